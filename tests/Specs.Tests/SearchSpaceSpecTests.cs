using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;

namespace FocusedQuantization.Specs.Tests;

/// <summary>
/// The richer search space of a spec: ranges (continuous, log, stepped, whole numbers), per-layer dimensions from layer
/// patterns, a choice of bits policies, the adaptive strategies' keys and early stopping; each refusal with its key and line.
/// </summary>
public sealed class SearchSpaceSpecTests
{
    private const string File = "space.yaml";

    // A LeNet-5's layers as the model zoo names them, without building the model.
    private static readonly string[] LeNet = ["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"];

    private static IReadOnlyList<string>? Layers(string model) => model == "lenet5" ? LeNet : null;

    private static SweepSpec Parse(string yaml) => SweepSpecLoader.Parse(yaml, File, Layers);

    private static SweepSpecException Refused(string yaml) => Assert.Throws<SweepSpecException>(() => Parse(yaml));

    private static void AssertRefused(string yaml, string key, string problem, int? line = null)
    {
        var error = Refused(yaml);
        Assert.Equal(key, error.Key);
        Assert.StartsWith(File, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        if (line is not null) Assert.Equal(line, error.Line);
    }

    [Fact]
    public void Continuous_log_and_stepped_ranges_are_kept_as_ranges_with_an_empty_list()
    {
        var spec = Parse("""
            strategy: { kind: random, budget: 4 }
            space:
              sparsity: { low: 0.8, high: 0.97 }
              fine_tune_lr: { low: 0.0005, high: 0.005, log: true }
              w_sep: { low: 1.5, high: 3.0, step: 0.5 }
              schedule_scale: [0.2, 0.4]
            """);

        Assert.Equal(new ValueRange(0.8, 0.97), spec.Space.RangeOf("sparsity"));
        Assert.Equal(new ValueRange(0.0005, 0.005, Log: true), spec.Space.RangeOf("fine_tune_lr"));
        Assert.Equal(new ValueRange(1.5, 3.0, Step: 0.5), spec.Space.RangeOf("w_sep"));
        Assert.Empty(spec.Space.TargetSparsity!);
        Assert.Empty(spec.Space.WSep);
        Assert.Equal([0.2, 0.4], spec.Space.ScheduleScale);
        Assert.Null(spec.Space.RangeOf("schedule_scale"));
        Assert.Null(spec.Space.PruneAlpha);
    }

    [Fact]
    public void A_bits_range_is_whole_numbers_with_step_one_and_the_from_to_form_stays_a_list()
    {
        var ranged = Parse("strategy: { kind: random, budget: 4 }\nspace: { sparsity: 0.9, bits: { low: 3, high: 7 } }");
        var listed = Parse("space: { sparsity: 0.9, bits: { from: 3, to: 7 } }");
        var uniform = Parse("strategy: { kind: random, budget: 4 }\nspace: { sparsity: 0.9, bits: { policy: uniform, values: { low: 4, high: 6 } } }");

        Assert.Equal(new ValueRange(3, 7, Step: 1), ranged.Space.RangeOf("bits"));
        Assert.Empty(ranged.Space.Bits.Values);
        Assert.Equal([3, 4, 5, 6, 7], listed.Space.Bits.Values);
        Assert.Null(listed.Space.Ranges);
        Assert.Equal(new ValueRange(4, 6, Step: 1), uniform.Space.RangeOf("bits"));
    }

    [Fact]
    public void Every_numeric_key_takes_a_range()
    {
        var spec = Parse("""
            strategy: { kind: motpe, budget: 10 }
            space:
              prune_alpha: { low: 0.5, high: 1.5 }
              bits: { policy: per-layer, candidates: [3, 4, 5], budget_bits_per_weight: { low: 0.8, high: 1.2 } }
              w_sep: { low: 1, high: 3 }
              overflow_rate: { low: 0.01, high: 0.1, log: true }
              schedule_scale: { low: 0.2, high: 0.5 }
              fine_tune_lr: { low: 0.001, high: 0.003 }
            """);

        Assert.Equal(["prune_alpha", "budget_bits_per_weight", "w_sep", "overflow_rate", "schedule_scale", "fine_tune_lr"],
            SweepSpaceMapping.ToSearchSpace(spec).Dimensions.Select(d => d.Name));
        Assert.Empty(spec.Space.OverflowRate);
        Assert.Empty(spec.Space.Bits.BudgetBitsPerWeight!);
        Assert.Equal([3, 4, 5], spec.Space.Bits.Values);
    }

    [Fact]
    public void Layer_patterns_resolve_to_concrete_layers_in_the_models_order()
    {
        var spec = Parse("""
            strategy: { kind: random, budget: 4 }
            space:
              sparsity: { low: 0.8, high: 0.95 }
              layers:
                fc1: { sparsity: { low: 0.9, high: 0.99 } }
                "conv?": { sparsity: [0.5, 0.7], bits: { low: 3, high: 6 } }
                fc2.weight: { bits: 8 }
            """);

        var layers = spec.Space.Layers!;
        Assert.Equal(["conv1", "conv2", "fc1", "fc2"], layers.Select(l => l.Layer));
        Assert.Equal(LeNet, layers.Select(l => l.Weight));
        Assert.Equal([0.5, 0.7], layers[0].Sparsity!);
        Assert.Equal(new ValueRange(3, 6, Step: 1), layers[1].BitsRange);
        Assert.Equal(new ValueRange(0.9, 0.99), layers[2].SparsityRange);
        Assert.Null(layers[2].Sparsity);
        Assert.False(layers[2].HasBits);
        Assert.Equal([8], layers[3].Bits!);
        Assert.False(layers[3].HasSparsity);
    }

    [Fact]
    public void A_star_takes_every_layer_and_dots_too()
    {
        var spec = Parse("strategy: { kind: random, budget: 4 }\nspace: { sparsity: 0.9, layers: { \"*\": { bits: { low: 3, high: 8 } } } }");

        Assert.Equal(["conv1", "conv2", "fc1", "fc2"], spec.Space.Layers!.Select(l => l.Layer));
        Assert.True(Glob.Matches("layer1.*", "layer1.0.conv1"));
        Assert.True(Glob.Matches("*conv?", "layer1.0.conv2"));
        Assert.False(Glob.Matches("conv?", "conv12"));
        Assert.False(Glob.Matches("Conv1", "conv1"));
        Assert.True(Glob.Matches("a*b*c", "aXbYbZc"));
        Assert.False(Glob.Matches(new string('*', 40) + "x", new string('a', 2000)));
    }

    [Fact]
    public void The_model_zoo_gives_the_layer_names_when_no_resolver_is_given()
    {
        var spec = SweepSpecLoader.Parse("model: lenet5\nstrategy: { kind: random, budget: 2 }\nspace: { sparsity: 0.9, layers: { fc1: { sparsity: 0.99 } } }", File);

        Assert.Equal("fc1.weight", Assert.Single(spec.Space.Layers!).Weight);
        Assert.Equal(LeNet, ModelLayerNames.Of("lenet5"));
    }

    [Fact]
    public void A_choice_of_bits_policies_reads_widths_candidates_and_budgets()
    {
        var spec = Parse("""
            strategy: { kind: random, budget: 4 }
            space:
              sparsity: 0.9
              bits: { policy: [uniform, per_layer], values: [4, 5], candidates: [3, 4, 5, 6], budget_bits_per_weight: { low: 0.8, high: 1.2 } }
            """);

        Assert.Equal([BitsPolicy.Uniform, BitsPolicy.PerLayer], spec.Space.Bits.Policies!);
        Assert.Equal(BitsPolicy.Uniform, spec.Space.Bits.Policy);
        Assert.Equal([4, 5], spec.Space.Bits.Values);
        Assert.Equal([3, 4, 5, 6], spec.Space.Bits.Candidates!);
        Assert.Equal(new ValueRange(0.8, 1.2), spec.Space.RangeOf("budget_bits_per_weight"));
    }

    [Fact]
    public void A_one_policy_list_is_that_policy()
    {
        var spec = Parse("space: { sparsity: 0.9, bits: { policy: [per-layer], candidates: [3, 4], budget_bits_per_weight: 1.0 } }");

        Assert.Equal(BitsPolicy.PerLayer, spec.Space.Bits.Policy);
        Assert.Null(spec.Space.Bits.Policies);
    }

    [Fact]
    public void Strategy_keys_of_the_adaptive_samplers_and_early_stopping_are_read()
    {
        var spec = Parse("""
            strategy: { kind: nsga2, budget: 48, seed: 3, lag: 2, warm_start: lenet5-20250101-120000, population: 12, startup: 10 }
            early_stopping: { eta: 4 }
            space: { sparsity: { low: 0.8, high: 0.9 } }
            """);

        Assert.Equal(new StrategySpec(StrategyKind.Nsga2, 48, 3) { Lag = 2, WarmStart = "lenet5-20250101-120000", Population = 12, Startup = 10 }, spec.Strategy);
        Assert.Equal(new EarlyStoppingSpec(4, 1.0 / 8.0), spec.EarlyStopping);
        Assert.Equal(new EarlyStoppingSpec(2, 1.0 / 8.0), Parse("early_stopping: true\nspace: { sparsity: 0.9 }").EarlyStopping);
        Assert.Equal(new EarlyStoppingSpec(2, 0.25), Parse("early_stopping: { min_fraction: 0.25 }\nspace: { sparsity: 0.9 }").EarlyStopping);
        Assert.Null(Parse("early_stopping: false\nspace: { sparsity: 0.9 }").EarlyStopping);
        Assert.Null(Parse("space: { sparsity: 0.9 }").EarlyStopping);
        Assert.Equal(StrategyKind.Motpe, Parse("strategy: { kind: motpe, budget: 20, startup: 5 }\nspace: { sparsity: 0.9 }").Strategy.Kind);
    }

    [Fact]
    public void Early_stopping_rungs_are_read_as_fine_tuning_epochs_within_the_longest_schedule()
    {
        // The default schedule_scale 1/3 gives 7 fine-tuning epochs: rungs 1, 2, 4 (then 7).
        var spec = Parse("early_stopping: { eta: 3, rungs: [1, 2, 4] }\nspace: { sparsity: 0.9 }").EarlyStopping!;
        Assert.Equal(3, spec.Eta);
        Assert.Equal([1, 2, 4], spec.Rungs!);
        Assert.Null(Parse("early_stopping: { eta: 3 }\nspace: { sparsity: 0.9 }").EarlyStopping!.Rungs);
        // A rung only the longer schedules reach is allowed: shorter ones drop it.
        Assert.Equal([3, 12],
            Parse("strategy: { kind: random, budget: 4 }\nearly_stopping: { rungs: [3, 12] }\nspace: { sparsity: 0.9, schedule_scale: { low: 0.4, high: 1 } }").EarlyStopping!.Rungs!);
        Assert.Equal([2], Parse("early_stopping: { rungs: 2 }\nspace: { sparsity: 0.9, schedule_scale: [0.4, 0.2] }").EarlyStopping!.Rungs!);
    }

    [Theory]
    [InlineData("early_stopping:\n  min_fraction: 0.2\n  rungs: [1, 2]\nspace: { sparsity: 0.9 }", "early_stopping.rungs", "give either rungs or min_fraction, not both", 3)]
    [InlineData("early_stopping:\n  rungs: [1, 4, 2]\nspace: { sparsity: 0.9 }", "early_stopping.rungs[2]", "rungs must rise, got 2 after 4", 2)]
    [InlineData("early_stopping:\n  rungs: [2, 2]\nspace: { sparsity: 0.9 }", "early_stopping.rungs[1]", "rungs must rise, got 2 after 2", 2)]
    [InlineData("early_stopping:\n  rungs: [0, 2]\nspace: { sparsity: 0.9 }", "early_stopping.rungs[0]", "a rung is a fine-tuning epoch from 1, got 0", 2)]
    [InlineData("early_stopping:\n  rungs: [1, 7]\nspace: { sparsity: 0.9 }", "early_stopping.rungs[1]", "rung 7 is not within the fine-tuning schedule (7 epochs at schedule_scale 0.333", 2)]
    [InlineData("early_stopping: { rungs: [4, 8] }\nspace: { sparsity: 0.9, schedule_scale: [0.2, 0.4] }", "early_stopping.rungs[1]", "rung 8 is not within the fine-tuning schedule (8 epochs at schedule_scale 0.4", 1)]
    [InlineData("early_stopping:\n  rungs: []\nspace: { sparsity: 0.9 }", "early_stopping.rungs", "empty list", 2)]
    [InlineData("early_stopping:\n  rungs: [1.5]\nspace: { sparsity: 0.9 }", "early_stopping.rungs[0]", "expected a whole number", 2)]
    public void Impossible_early_stopping_rungs_are_named_with_their_line(string yaml, string key, string problem, int line) =>
        AssertRefused(yaml, key, problem, line);

    [Fact]
    public void A_grid_over_stepped_ranges_and_whole_number_ranges_is_accepted_and_counted()
    {
        var spec = Parse("space: { sparsity: { low: 0.8, high: 0.95, step: 0.05 }, bits: { low: 3, high: 5 }, layers: { fc1: { bits: [6, 7] } } }");

        Assert.Equal(4 * 3 * 2, SweepPlan.CountCombinations(spec));
        Assert.Equal("sparsity 4 x bits 3 x layers.fc1.bits 2", SweepPlan.DescribeDimensions(spec));
    }

    [Theory]
    [InlineData("space:\n  sparsity: { low: 0.8, high: 0.97 }\n", "space.sparsity", "strategy grid needs discrete values for space.sparsity: give a list or a step", 2)]
    [InlineData("space:\n  sparsity: 0.9\n  fine_tune_lr: { low: 0.001, high: 0.01, log: true }\n", "space.fine_tune_lr", "strategy grid needs discrete values for space.fine_tune_lr", 3)]
    [InlineData("space:\n  sparsity: 0.9\n  layers:\n    \"fc*\": { sparsity: { low: 0.9, high: 0.99 } }\n", "space.layers.fc*.sparsity", "strategy grid needs discrete values for space.layers.fc*.sparsity", 4)]
    [InlineData("space:\n  sparsity: 0.9\n  bits: { policy: per-layer, candidates: [3, 4], budget_bits_per_weight: { low: 0.8, high: 1.0 } }\n", "space.bits.budget_bits_per_weight", "strategy grid needs discrete values", 3)]
    public void A_grid_with_a_continuous_range_is_refused_at_the_range(string yaml, string key, string problem, int line) =>
        AssertRefused(yaml, key, problem, line);

    [Theory]
    [InlineData("strategy: { kind: nsga2 }\nspace: { sparsity: 0.9 }", "strategy.budget", "strategy kind nsga2 needs a budget")]
    [InlineData("strategy: { kind: motpe }\nspace: { sparsity: 0.9 }", "strategy.budget", "strategy kind motpe needs a budget")]
    [InlineData("strategy: { kind: random, budget: 5, lag: 2 }\nspace: { sparsity: 0.9 }", "strategy.lag", "only to the adaptive strategy kinds nsga2 and motpe")]
    [InlineData("strategy: { kind: grid, warm_start: s1 }\nspace: { sparsity: 0.9 }", "strategy.warm_start", "only to the adaptive strategy kinds")]
    [InlineData("strategy: { kind: grid, seed: 3 }\nspace: { sparsity: 0.9 }", "strategy.seed", "a grid draws nothing")]
    [InlineData("strategy: { kind: random, budget: 5, startup: 2 }\nspace: { sparsity: 0.9 }", "strategy.startup", "only to the adaptive")]
    [InlineData("strategy: { kind: motpe, budget: 5, population: 4 }\nspace: { sparsity: 0.9 }", "strategy.population", "only to strategy kind nsga2")]
    [InlineData("strategy: { kind: nsga2, budget: 5, population: 1 }\nspace: { sparsity: 0.9 }", "strategy.population", "between 2 and")]
    [InlineData("strategy: { kind: nsga2, budget: 5, lag: -1 }\nspace: { sparsity: 0.9 }", "strategy.lag", "between 0 and")]
    [InlineData("strategy: { kind: nsga2, budget: 5, startup: 6 }\nspace: { sparsity: 0.9 }", "strategy.startup", "between 0 and the budget (5)")]
    [InlineData("strategy: { kind: nsga2, budget: 5, warm_start: \"\" }\nspace: { sparsity: 0.9 }", "strategy.warm_start", "warm_start is empty")]
    [InlineData("strategy: { kind: nsga2, budget: 5, colour: red }\nspace: { sparsity: 0.9 }", "strategy.colour", "valid keys here: kind, budget, seed, lag, warm_start, population, startup")]
    [InlineData("early_stopping: { eta: 1 }\nspace: { sparsity: 0.9 }", "early_stopping.eta", "eta must be between 2 and 100")]
    [InlineData("early_stopping: { min_fraction: 1 }\nspace: { sparsity: 0.9 }", "early_stopping.min_fraction", "min_fraction must be in (0, 1)")]
    [InlineData("early_stopping: { min_fraction: 0 }\nspace: { sparsity: 0.9 }", "early_stopping.min_fraction", "min_fraction must be in (0, 1)")]
    [InlineData("early_stopping: { eta: 3, rung: 4 }\nspace: { sparsity: 0.9 }", "early_stopping.rung", "valid keys here: eta, min_fraction, rungs")]
    [InlineData("early_stopping: maybe\nspace: { sparsity: 0.9 }", "early_stopping", "expected true or false")]
    public void Impossible_strategy_and_early_stopping_settings_are_named(string yaml, string key, string problem) => AssertRefused(yaml, key, problem);

    [Theory]
    [InlineData("space: { sparsity: { low: 0.9, high: 0.8 } }", "space.sparsity", "empty range: low 0.9 is above high 0.8")]
    [InlineData("space: { sparsity: { low: 0.5, high: 1.0, step: 0.1 } }", "space.sparsity.high", "sparsity must be in [0, 1), got 1")]
    [InlineData("space: { sparsity: { low: -0.1, high: 0.5, step: 0.1 } }", "space.sparsity.low", "sparsity must be in [0, 1)")]
    [InlineData("space: { sparsity: { low: 0.5, high: 0.9, step: 0 } }", "space.sparsity.step", "step must be above 0")]
    [InlineData("space: { sparsity: { low: 0.5 } }", "space.sparsity.high", "a range needs low and high")]
    [InlineData("space: { sparsity: { high: 0.5 } }", "space.sparsity.low", "a range needs low and high")]
    [InlineData("space: { sparsity: { low: 0.5, to: 0.9 } }", "space.sparsity.to", "valid keys here: low, high, step, log")]
    [InlineData("space: { sparsity: { low: 0.5, high: 0.9, log: sometimes } }", "space.sparsity.log", "expected true or false")]
    [InlineData("strategy: { kind: random, budget: 3 }\nspace: { sparsity: 0.9, fine_tune_lr: { low: 0, high: 0.01, log: true } }", "space.fine_tune_lr.low", "fine_tune_lr must be in (0, 10)")]
    [InlineData("strategy: { kind: random, budget: 3 }\nspace: { sparsity: 0.9, w_sep: { low: 0, high: 3, log: true } }", "space.w_sep.log", "a log range needs low above 0, got 0")]
    [InlineData("space: { sparsity: 0.9, w_sep: { low: 1, high: 3, step: 0.5, log: true } }", "space.w_sep.step", "a log range is continuous")]
    [InlineData("space: { sparsity: 0.9, bits: { low: 3, high: 9 } }", "space.bits.high", "bits must be between 3 and 8, got 9")]
    [InlineData("space: { sparsity: 0.9, bits: { low: 3.5, high: 6 } }", "space.bits.low", "expected a whole number, got 3.5")]
    [InlineData("space: { sparsity: 0.9, bits: { low: 3, high: 8, step: 2, log: true } }", "space.bits.step", "takes step 1 only")]
    [InlineData("space: { sparsity: 0.9, bits: { low: 6, high: 3 } }", "space.bits", "empty range")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: uniform, values: { low: 3, high: 12 } } }", "space.bits.values.high", "between 3 and 8, got 12")]
    [InlineData("space: { sparsity: { low: 0, high: 0.99, step: 0.0000001 } }", "space.sparsity", "the range gives 9900001 values")]
    [InlineData("strategy: { kind: random, budget: 3 }\nspace: { sparsity: 0.9, overflow_rate: { low: 0.5, high: 1.5 } }", "space.overflow_rate.high", "overflow_rate must be in [0, 1)")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: per-layer, candidates: { low: 3, high: 6 }, budget_bits_per_weight: 1.0 } }", "space.bits.candidates", "candidates are the widths each layer may get")]
    public void An_impossible_range_is_named(string yaml, string key, string problem) => AssertRefused(yaml, key, problem);

    [Theory]
    [InlineData("space: { sparsity: 0.9, bits: { policy: [uniform, per-layer], values: [4, 5], candidates: [3, 4] } }", "space.bits.budget_bits_per_weight", "a choice of policies needs values")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: [uniform, per-layer], candidates: [3, 4], budget_bits_per_weight: 1 } }", "space.bits.values", "a choice of policies needs values")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: [uniform, per-layer], values: [4], budget_bits_per_weight: 1 } }", "space.bits.candidates", "a choice of policies needs values")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: [uniform, uniform], values: [4] } }", "space.bits.policy[1]", "the policy 'uniform' appears twice")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: [uniform, greedy], values: [4] } }", "space.bits.policy[1]", "unknown bits policy 'greedy'")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: [uniform, per-layer], values: [4, 9], candidates: [3, 4], budget_bits_per_weight: 1 } }", "space.bits.values[1]", "between 3 and 8, got 9")]
    [InlineData("space: { sparsity: 0.9, bits: { policy: [uniform, per-layer], values: [4], candidates: [3, 4], budget_bits_per_weight: 40 } }", "space.bits.budget_bits_per_weight", "in (0, 32]")]
    public void A_choice_of_policies_needs_all_its_parts(string yaml, string key, string problem) => AssertRefused(yaml, key, problem);

    [Theory]
    [InlineData("space:\n  sparsity: 0.9\n  layers:\n    fc3: { sparsity: 0.95 }\n", "space.layers.fc3", "the pattern 'fc3' matches no layer of lenet5; its layers: conv1, conv2, fc1, fc2", 4)]
    [InlineData("space:\n  sparsity: 0.9\n  layers:\n    \"conv*\": { sparsity: 0.5 }\n    conv2: { bits: 4 }\n", "space.layers.conv2", "layer conv2 is also named by 'conv*'; give each layer once", 5)]
    [InlineData("space:\n  prune_alpha: 1.0\n  layers:\n    fc1: { sparsity: 0.95 }\n", "space.layers.fc1.sparsity", "per-layer sparsity needs space.sparsity", 4)]
    [InlineData("space:\n  sparsity: 0.9\n  bits: { policy: per-layer, candidates: [3, 4], budget_bits_per_weight: 1.0 }\n  layers:\n    fc1: { bits: 4 }\n", "space.layers.fc1.bits", "per-layer bits apply only to bits policy uniform", 5)]
    [InlineData("space:\n  sparsity: 0.9\n  layers:\n    fc1: {}\n", "space.layers.fc1", "give sparsity, bits or both", 4)]
    [InlineData("space:\n  sparsity: 0.9\n  layers:\n    fc1: { sparsity: 0.9, bitz: 4 }\n", "space.layers.fc1.bitz", "did you mean 'bits'?", 4)]
    [InlineData("space:\n  sparsity: 0.9\n  layers:\n    \"fc*\": { sparsity: [0.5, 1.2] }\n", "space.layers.fc*.sparsity[1]", "sparsity must be in [0, 1), got 1.2", 4)]
    [InlineData("space:\n  sparsity: 0.9\n  layers:\n    \"fc*\": { bits: { low: 2, high: 5 } }\n", "space.layers.fc*.bits.low", "bits must be between 3 and 8, got 2", 4)]
    [InlineData("space:\n  sparsity: 0.9\n  layers:\n    fc1: { bits: { policy: uniform, values: [4] } }\n", "space.layers.fc1.bits", "a layer's bits are its own widths", 4)]
    [InlineData("space:\n  sparsity: 0.9\n  layers: [fc1]\n", "space.layers", "expected a mapping of layer patterns", 3)]
    [InlineData("space:\n  sparsity: 0.9\n  layers: {}\n", "space.layers", "empty", 3)]
    [InlineData("model: resnet20\nspace:\n  sparsity: 0.9\n  layers:\n    fc1: { sparsity: 0.9 }\n", "space.layers", "the layers of model resnet20 are not known here", 4)]
    public void A_layer_pattern_that_cannot_be_resolved_is_named_at_its_line(string yaml, string key, string problem, int line) =>
        AssertRefused(yaml, key, problem, line);

    [Fact]
    public void A_layer_error_names_the_pattern_as_written_even_for_the_second_layer_it_matches()
    {
        // Both fc1 and fc2 get the pattern's list; the duplicate is found on the first and named as the pattern.
        AssertRefused("space:\n  sparsity: 0.9\n  layers:\n    \"fc?\": { sparsity: [0.5, 0.5] }\n", "space.layers.fc?.sparsity[1]", "appears twice", 4);
    }

    [Fact]
    public void A_resolver_that_fails_is_a_refusal_at_space_layers()
    {
        var error = Assert.Throws<SweepSpecException>(() => SweepSpecLoader.Parse(
            "space: { sparsity: 0.9, layers: { fc1: { sparsity: 0.9 } } }", File, _ => throw new InvalidOperationException("no torch here")));

        Assert.Equal("space.layers", error.Key);
        Assert.Contains("cannot be listed: no torch here", error.Message);
    }

    [Fact]
    public void Specs_built_in_code_with_ranges_and_layers_are_checked_by_the_same_rules()
    {
        var good = Parse("strategy: { kind: random, budget: 2 }\nspace: { sparsity: { low: 0.8, high: 0.9 }, layers: { fc1: { sparsity: 0.95 } } }");

        Assert.Same(good, SweepSpecValidator.Validate(good));
        var both = good with { Space = good.Space with { TargetSparsity = [0.9] } };
        Assert.Equal("space.sparsity", Assert.Throws<SweepSpecException>(() => SweepSpecValidator.Validate(both)).Key);
        var twice = good with { Space = good.Space with { Layers = [.. good.Space.Layers!, good.Space.Layers![0]] } };
        Assert.Contains("given twice", Assert.Throws<SweepSpecException>(() => SweepSpecValidator.Validate(twice)).Message);
        var grid = good with { Strategy = new StrategySpec(StrategyKind.Grid, null, null) };
        Assert.Contains("strategy grid needs discrete values for space.sparsity", Assert.Throws<SweepSpecException>(() => SweepSpecValidator.Validate(grid)).Message);
        var badRangeKey = good with { Space = good.Space with { Ranges = new Dictionary<string, ValueRange> { ["sparsity"] = new(0.8, 0.9), ["coding"] = new(0, 1) } } };
        Assert.Contains("'coding' cannot be a range", Assert.Throws<SweepSpecException>(() => SweepSpecValidator.Validate(badRangeKey)).Message);
    }
}
