using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;
using FocusedQuantization.Specs;

namespace FocusedQuantization.Grains.Tests.Sweeps;

/// <summary>The plan of a sweep (grid and random draws); specs are written as a user writes them and read by the client's loader.</summary>
public sealed class SweepPlanTests
{
    private static SweepSpec Spec(string yaml) => SweepSpecLoader.Parse(yaml, "test.yaml");

    private const string Space3x2x2 = """
        space:
          sparsity: [0.8, 0.9, 0.95]
          bits: [4, 5]
          overflow_rate: [default, 0.05]
        """;

    [Fact]
    public void A_grid_has_one_trial_per_combination()
    {
        var trials = SweepPlan.Expand(Spec(Space3x2x2 + "\n  w_sep: [1, 2]\n  coding: [arithmetic, paper]"));

        Assert.Equal(3 * 2 * 2 * 2 * 2, trials.Count);
        Assert.Equal(trials.Count, trials.Select(Key).Distinct().Count());
    }

    [Fact]
    public void A_grid_runs_in_the_documented_order_with_the_last_key_fastest()
    {
        var trials = SweepPlan.Expand(Spec(Space3x2x2));

        var expected = new List<(double?, int, double?)>();
        foreach (var sparsity in new[] { 0.8, 0.9, 0.95 })
        foreach (var bits in new[] { 4, 5 })
        foreach (var overflow in new double?[] { null, 0.05 })
            expected.Add((sparsity, bits, overflow));
        Assert.Equal(expected, trials.Select(t => (t.TargetSparsity, t.Bits, t.OverflowRate)));
    }

    [Fact]
    public void Every_trial_carries_the_shared_settings_and_uniform_bits_as_its_only_candidate()
    {
        var spec = Spec("model: lenet-5\ndataset: fmnist\nseed: 3\ntraining: { baseline_epochs: 2, train_limit: 100 }\n" + Space3x2x2);

        var first = SweepPlan.Expand(spec)[0];

        Assert.Equal("lenet5", first.Model);
        Assert.Equal("fashion-mnist", first.Dataset);
        Assert.Equal(3, first.Seed);
        Assert.Same(spec.Training, first.Training);
        Assert.Equal(BitsPolicy.Uniform, first.BitsPolicy);
        Assert.Equal(4, first.Bits);
        Assert.Equal([4], first.CandidateBits);
        Assert.Null(first.BudgetBitsPerWeight);
        Assert.Null(first.PruneAlpha);
        Assert.Equal(2.0, first.WSep);
        Assert.Equal(1.0 / 3.0, first.ScheduleScale);
        Assert.Equal(0.001, first.FineTuneLearningRate);
        Assert.Equal(CodingScheme.Arithmetic, first.Coding);
        Assert.Equal(FineTuning.Ste, first.FineTune);
    }

    [Fact]
    public void Fine_tuning_modes_vary_fastest_and_one_mode_expands_to_the_trials_a_spec_without_the_key_has()
    {
        var without = SweepPlan.Expand(Spec(Space3x2x2));
        var both = SweepPlan.Expand(Spec(Space3x2x2 + "\n  fine_tune: [ste, inq]"));
        var inq = SweepPlan.Expand(Spec(Space3x2x2 + "\n  fine_tune: inq"));

        Assert.Equal(2 * without.Count, both.Count);
        Assert.Equal(without.SelectMany(t => new[] { Key(t) + "|ste", Key(t) + "|inq" }), both.Select(t => Key(t) + "|" + SweepVocabulary.Name(t.FineTune)));
        Assert.Equal(without.Select(Key), inq.Select(Key));
        Assert.All(inq, t => Assert.Equal(FineTuning.Inq, t.FineTune));
        // A random sweep draws the same trials with or without one explicit mode.
        const string random = "strategy: { kind: random, budget: 5, seed: 4 }\nspace: { sparsity: { from: 0.5, to: 0.95, step: 0.05 }, bits: { from: 3, to: 8 } }";
        Assert.Equal(SweepPlan.Expand(Spec(random)).Select(Key), SweepPlan.Expand(Spec(random.Replace("} }", "}, fine_tune: ste }"))).Select(Key));
    }

    [Fact]
    public void A_per_layer_policy_makes_one_trial_per_budget_with_the_widest_candidate_as_bits()
    {
        var trials = SweepPlan.Expand(Spec("space: { prune_alpha: 1.0, bits: { policy: per-layer, candidates: [3, 6, 4], budget_bits_per_weight: [3.5, 4.5] } }"));

        Assert.Equal(2, trials.Count);
        Assert.All(trials, t =>
        {
            Assert.Equal(BitsPolicy.PerLayer, t.BitsPolicy);
            Assert.Equal(6, t.Bits);
            Assert.Equal([3, 6, 4], t.CandidateBits);
            Assert.Equal(1.0, t.PruneAlpha);
            Assert.Null(t.TargetSparsity);
        });
        Assert.Equal([3.5, 4.5], trials.Select(t => t.BudgetBitsPerWeight!.Value));
    }

    [Fact]
    public void Random_draws_are_distinct_members_of_the_grid_and_the_same_for_the_same_seed()
    {
        const string yaml = "strategy: { kind: random, budget: 8, seed: 7 }\nspace: { sparsity: { from: 0.5, to: 0.95, step: 0.05 }, bits: { from: 3, to: 8 }, w_sep: [1, 2, 3] }";
        var grid = SweepPlan.Expand(Spec(yaml.Replace("{ kind: random, budget: 8, seed: 7 }", "grid"))).Select(Key).ToHashSet();

        var first = SweepPlan.Expand(Spec(yaml));
        var again = SweepPlan.Expand(Spec(yaml));
        var otherSeed = SweepPlan.Expand(Spec(yaml.Replace("seed: 7", "seed: 8")));

        Assert.Equal(8, first.Count);
        Assert.Equal(8, first.Select(Key).Distinct().Count());
        Assert.All(first, t => Assert.Contains(Key(t), grid));
        Assert.Equal(first.Select(Key), again.Select(Key));
        Assert.NotEqual(first.Select(Key), otherSeed.Select(Key));
    }

    [Fact]
    public void Random_without_its_own_seed_uses_the_spec_seed()
    {
        const string space = "space: { sparsity: { from: 0.5, to: 0.95, step: 0.05 }, bits: { from: 3, to: 8 } }";

        var bySpecSeed = SweepPlan.Expand(Spec("seed: 11\nstrategy: { kind: random, budget: 5 }\n" + space));
        var byStrategySeed = SweepPlan.Expand(Spec("seed: 1\nstrategy: { kind: random, budget: 5, seed: 11 }\n" + space));

        Assert.Equal(bySpecSeed.Select(Key), byStrategySeed.Select(Key));
    }

    [Fact]
    public void A_budget_beyond_the_grid_draws_every_combination_before_any_repeats()
    {
        var trials = SweepPlan.Expand(Spec("strategy: { kind: random, budget: 10 }\nspace: { sparsity: [0.8, 0.9], bits: [4, 5] }"));

        Assert.Equal(10, trials.Count);
        Assert.Equal(4, trials.Take(4).Select(Key).Distinct().Count());
        Assert.Equal(4, trials.Skip(4).Take(4).Select(Key).Distinct().Count());
    }

    [Fact]
    public void Expanding_an_invalid_spec_built_in_code_is_refused()
    {
        var spec = Spec(Space3x2x2);

        // The plan is the grain's guard against specs that were never through the client's validator.
        Assert.Throws<ArgumentException>(() => SweepPlan.Expand(spec with { Concurrency = 0 }));
        Assert.Throws<ArgumentException>(() => SweepPlan.Expand(spec with { Strategy = new StrategySpec(StrategyKind.Random, null, null) }));
        Assert.Throws<ArgumentException>(() => SweepPlan.Expand(spec with { Space = spec.Space with { WSep = [] } }));
        Assert.Throws<ArgumentException>(() => SweepPlan.Expand(spec with { Space = spec.Space with { PruneAlpha = [1.0] } }));
        Assert.Throws<ArgumentException>(() => SweepPlan.Expand(spec with { Space = spec.Space with { WSep = [.. Enumerable.Range(0, 1000).Select(i => (double)i)], FineTuneLearningRate = [.. Enumerable.Range(1, 1001).Select(i => i * 1e-4)] } }));
    }

    private static readonly string[] LeNet = ["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"];

    private static SweepSpec LayerSpec(string yaml) => SweepSpecLoader.Parse(yaml, "test.yaml", _ => LeNet);

    [Fact]
    public void A_spec_of_lists_keeps_its_plan_and_a_stepped_range_with_the_same_values_lists_the_same_grid()
    {
        var lists = SweepPlan.Expand(Spec("space: { sparsity: [0.8, 0.85, 0.9], bits: [4, 5], w_sep: [1.5, 2.0, 2.5], coding: [arithmetic, paper] }"));
        var ranged = SweepPlan.Expand(Spec("space: { sparsity: { low: 0.8, high: 0.9, step: 0.05 }, bits: { low: 4, high: 5 }, w_sep: { low: 1.5, high: 2.5, step: 0.5 }, coding: [arithmetic, paper] }"));

        Assert.All(lists, t => Assert.Null(t.Parameters));
        Assert.All(ranged, t => Assert.NotNull(t.Parameters));
        Assert.Equal(lists.Select(Key), ranged.Select(Key));
    }

    [Fact]
    public void The_random_draws_of_a_spec_of_lists_are_the_ones_it_always_made()
    {
        // Pinned: a spec of lists is planned as before ranges existed, so these seeded draws must never move.
        var trials = SweepPlan.Expand(Spec("strategy: { kind: random, budget: 4, seed: 7 }\nspace: { sparsity: { from: 0.5, to: 0.95, step: 0.05 }, bits: { from: 3, to: 8 }, w_sep: [1, 2, 3] }"));

        Assert.Equal(RecordedRandom, trials.Select(t => (t.TargetSparsity!.Value, t.Bits, t.WSep)));
    }

    private static readonly (double, int, double)[] RecordedRandom = [(0.95, 5, 2), (0.95, 6, 3), (0.7, 7, 2), (0.8, 7, 3)];

    [Fact]
    public void Random_over_ranges_is_the_same_for_a_seed_stays_in_range_and_varies_with_the_seed()
    {
        const string yaml = """
            strategy: { kind: random, budget: 50, seed: 3 }
            space:
              sparsity: { low: 0.8, high: 0.97 }
              bits: { low: 3, high: 7 }
              w_sep: { low: 1.5, high: 3.0, step: 0.5 }
              fine_tune_lr: { low: 0.0005, high: 0.005, log: true }
              overflow_rate: [default, 0.05]
              layers:
                fc1: { sparsity: { low: 0.9, high: 0.995 } }
            """;

        var first = SweepPlan.Expand(LayerSpec(yaml));
        var again = SweepPlan.Expand(LayerSpec(yaml));
        var other = SweepPlan.Expand(LayerSpec(yaml.Replace("seed: 3", "seed: 4")));
        var bySpecSeed = SweepPlan.Expand(LayerSpec("seed: 3\n" + yaml.Replace(", seed: 3", "")));

        Assert.Equal(50, first.Count);
        Assert.Equal(first.Select(SweepSpaceMappingTests.Describe), again.Select(SweepSpaceMappingTests.Describe));
        Assert.Equal(first.Select(t => SweepSpaceMappingTests.Describe(t with { Seed = 3 })), bySpecSeed.Select(SweepSpaceMappingTests.Describe));
        Assert.NotEqual(first.Select(SweepSpaceMappingTests.Describe), other.Select(SweepSpaceMappingTests.Describe));
        Assert.All(first, t =>
        {
            Assert.InRange(t.TargetSparsity!.Value, 0.8, 0.97);
            Assert.InRange(t.Bits, 3, 7);
            Assert.Contains(t.WSep, new[] { 1.5, 2.0, 2.5, 3.0 });
            Assert.InRange(t.FineTuneLearningRate, 0.0005, 0.005);
            Assert.Contains(t.OverflowRate, new double?[] { null, 0.05 });
            Assert.InRange(t.LayerSparsity!["fc1.weight"], 0.9, 0.995);
            Assert.Null(t.LayerBits);
        });
        // Continuous draws: all distinct; log-uniform learning rates put about half below the geometric mean.
        Assert.Equal(50, first.Select(t => t.TargetSparsity).Distinct().Count());
        Assert.InRange(first.Count(t => t.FineTuneLearningRate < Math.Sqrt(0.0005 * 0.005)), 15, 35);
        Assert.Equal(5, first.Select(t => t.Bits).Distinct().Count());
    }

    [Fact]
    public void A_grid_over_a_choice_of_policies_lists_each_policys_own_dimensions()
    {
        var trials = SweepPlan.Expand(LayerSpec("""
            space:
              sparsity: [0.85, 0.9]
              bits: { policy: [per-layer, uniform], values: [4, 5], candidates: [3, 4, 5], budget_bits_per_weight: [0.8, 1.0] }
              layers:
                fc1: { bits: [3, 6] }
            """));

        // Per sparsity: per-layer x 2 budgets, then uniform x 2 widths x 2 fc1 widths.
        Assert.Equal(2 * (2 + 2 * 2), trials.Count);
        Assert.Equal(
            ["0.85 per-layer 0.8", "0.85 per-layer 1", "0.85 uniform 4 3", "0.85 uniform 4 6", "0.85 uniform 5 3", "0.85 uniform 5 6"],
            trials.Take(6).Select(t => t.BitsPolicy == BitsPolicy.PerLayer
                ? FormattableString.Invariant($"{t.TargetSparsity} per-layer {t.BudgetBitsPerWeight}")
                : FormattableString.Invariant($"{t.TargetSparsity} uniform {t.Bits} {t.LayerBits!["fc1.weight"]}")));
        Assert.All(trials.Where(t => t.BitsPolicy == BitsPolicy.PerLayer), t =>
        {
            Assert.Equal([3, 4, 5], t.CandidateBits);
            Assert.Equal(5, t.Bits);
            Assert.Null(t.LayerBits);
        });
    }

    [Theory]
    [InlineData("nsga2")]
    [InlineData("motpe")]
    public void Adaptive_strategies_are_not_planned_ahead(string kind)
    {
        var spec = Spec($"strategy: {{ kind: {kind}, budget: 10 }}\nspace: {{ sparsity: {{ low: 0.8, high: 0.9 }} }}");

        var error = Assert.Throws<ArgumentException>(() => SweepPlan.Expand(spec));

        Assert.Contains($"Strategy {kind} is adaptive", error.Message);
    }

    [Fact]
    public void A_grid_with_a_continuous_range_built_in_code_is_refused_by_the_plan()
    {
        var spec = Spec("strategy: { kind: random, budget: 3 }\nspace: { sparsity: { low: 0.8, high: 0.9 } }") with { Strategy = new StrategySpec(StrategyKind.Grid, null, null) };

        Assert.Contains("'sparsity' is a continuous range", Assert.Throws<ArgumentException>(() => SweepPlan.Expand(spec)).Message);
    }

    private static string Key(TrialConfig t) =>
        $"{t.TargetSparsity}|{t.PruneAlpha}|{t.Bits}|{t.BudgetBitsPerWeight}|{t.WSep}|{t.OverflowRate}|{t.ScheduleScale}|{t.FineTuneLearningRate}|{t.Coding}";
}
