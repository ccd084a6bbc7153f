using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Grains.Sweeps;
using FocusedQuantization.Search;
using FocusedQuantization.Specs;

namespace FocusedQuantization.Grains.Tests.Sweeps;

/// <summary>A spec's space as the Search library's, and the trials its points stand for, both ways.</summary>
public sealed class SweepSpaceMappingTests
{
    private static readonly string[] LeNet = ["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"];

    private static SweepSpec Spec(string yaml) => SweepSpecLoader.Parse(yaml, "mapping.yaml", model => LeNet);

    private const string Adaptive = """
        strategy: { kind: nsga2, budget: 40 }
        space:
          sparsity: { low: 0.8, high: 0.97 }
          bits: { low: 3, high: 7 }
          w_sep: { low: 1.5, high: 3.0, step: 0.5 }
          overflow_rate: [default, 0.05]
          fine_tune_lr: { low: 0.0005, high: 0.005, log: true }
          coding: [arithmetic, paper]
          layers:
            fc1: { sparsity: { low: 0.9, high: 0.995 }, bits: [4, 6] }
            conv2: { sparsity: [0.6, 0.8] }
        """;

    private const string Policies = """
        strategy: { kind: random, budget: 60, seed: 5 }
        space:
          sparsity: [0.85, 0.9]
          bits: { policy: [uniform, per-layer], values: { low: 4, high: 6 }, candidates: [3, 4, 5, 6], budget_bits_per_weight: [0.8, 1.0, 1.2] }
          layers:
            fc1: { bits: [3, 4] }
        """;

    [Fact]
    public void Dimensions_are_named_by_their_keys_in_the_grid_order_and_single_values_are_left_out()
    {
        var space = SweepSpaceMapping.ToSearchSpace(Spec(Adaptive));

        Assert.Equal(["sparsity", "bits", "w_sep", "overflow_rate", "fine_tune_lr", "coding", "layers.conv2.sparsity", "layers.fc1.sparsity", "layers.fc1.bits"],
            space.Dimensions.Select(d => d.Name));
        Assert.Equal(new FloatDimension("sparsity", 0.8, 0.97), space["sparsity"]);
        Assert.Equal(new IntDimension("bits", 3, 7), space["bits"]);
        Assert.Equal(new FloatDimension("w_sep", 1.5, 3.0, Step: 0.5), space["w_sep"]);
        Assert.Equal(new FloatDimension("fine_tune_lr", 0.0005, 0.005, Log: true), space["fine_tune_lr"]);
        // Lists are choices in the written order; the default overflow rate is the word default.
        Assert.Equal(["default", "0.05"], ((CategoricalDimension)space["overflow_rate"]).Choices);
        Assert.Equal(["arithmetic", "paper"], ((CategoricalDimension)space["coding"]).Choices);
        Assert.Equal(["4", "6"], ((CategoricalDimension)space["layers.fc1.bits"]).Choices);
        Assert.All(space.Dimensions, d => Assert.Null(d.When));
    }

    [Fact]
    public void A_choice_of_policies_makes_widths_and_layer_bits_conditional_on_uniform_and_the_budget_on_per_layer()
    {
        var space = SweepSpaceMapping.ToSearchSpace(Spec(Policies));

        Assert.Equal(["sparsity", "bits.policy", "bits", "budget_bits_per_weight", "layers.fc1.bits"], space.Dimensions.Select(d => d.Name));
        Assert.Equal(["uniform", "per-layer"], ((CategoricalDimension)space["bits.policy"]).Choices);
        Assert.Equal(["uniform"], space["bits"].When!.Choices);
        Assert.Equal(["per-layer"], space["budget_bits_per_weight"].When!.Choices);
        Assert.Equal(["uniform"], space["layers.fc1.bits"].When!.Choices);
        // uniform: 2 sparsities x 3 widths x 2 fc1 widths; per-layer: 2 sparsities x 3 budgets.
        Assert.Equal(2 * 3 * 2 + 2 * 3, SweepSpaceMapping.CountGrid(space));
    }

    [Fact]
    public void A_point_becomes_a_trial_with_its_settings_per_layer_values_by_weight_name_and_the_point_as_parameters()
    {
        var spec = Spec(Adaptive);
        var point = new Point(new Dictionary<string, double>
        {
            ["sparsity"] = 0.9, ["bits"] = 5, ["w_sep"] = 2.5, ["overflow_rate"] = 1, ["fine_tune_lr"] = 0.001, ["coding"] = 1,
            ["layers.conv2.sparsity"] = 0, ["layers.fc1.sparsity"] = 0.99, ["layers.fc1.bits"] = 1,
        });

        var config = SweepSpaceMapping.ToConfig(spec, point);

        Assert.Equal(0.9, config.TargetSparsity);
        Assert.Null(config.PruneAlpha);
        Assert.Equal(BitsPolicy.Uniform, config.BitsPolicy);
        Assert.Equal(5, config.Bits);
        Assert.Equal([5], config.CandidateBits);
        Assert.Equal(2.5, config.WSep);
        Assert.Equal(0.05, config.OverflowRate);
        Assert.Equal(0.001, config.FineTuneLearningRate);
        Assert.Equal(CodingScheme.Paper, config.Coding);
        Assert.Equal(1.0 / 3.0, config.ScheduleScale);
        Assert.Equal(new Dictionary<string, double> { ["conv2.weight"] = 0.6, ["fc1.weight"] = 0.99 }, config.LayerSparsity);
        Assert.Equal(new Dictionary<string, int> { ["fc1.weight"] = 6 }, config.LayerBits);
        Assert.Equal(point.Values, config.Parameters);
        Assert.Equal(("lenet5", "fashion-mnist", 1), (config.Model, config.Dataset, config.Seed));
    }

    [Fact]
    public void Per_layer_policy_points_take_the_candidates_and_the_budget_and_no_layer_bits()
    {
        var spec = Spec(Policies);
        var perLayer = SweepSpaceMapping.ToConfig(spec, new Point(new Dictionary<string, double> { ["sparsity"] = 1, ["bits.policy"] = 1, ["budget_bits_per_weight"] = 2 }));
        var uniform = SweepSpaceMapping.ToConfig(spec, new Point(new Dictionary<string, double> { ["sparsity"] = 0, ["bits.policy"] = 0, ["bits"] = 4, ["layers.fc1.bits"] = 0 }));

        Assert.Equal((BitsPolicy.PerLayer, 6, 1.2), (perLayer.BitsPolicy, perLayer.Bits, perLayer.BudgetBitsPerWeight!.Value));
        Assert.Equal([3, 4, 5, 6], perLayer.CandidateBits);
        Assert.Null(perLayer.LayerBits);
        Assert.Equal(0.9, perLayer.TargetSparsity);
        Assert.Equal((BitsPolicy.Uniform, 4), (uniform.BitsPolicy, uniform.Bits));
        Assert.Null(uniform.BudgetBitsPerWeight);
        Assert.Equal(new Dictionary<string, int> { ["fc1.weight"] = 3 }, uniform.LayerBits);
    }

    [Theory]
    [InlineData("sparsity=0.9", "no value for 'bits'")]
    [InlineData("sparsity=0.9;bits=5;w_sep=2;overflow_rate=0;fine_tune_lr=0.001;coding=0;layers.conv2.sparsity=0;layers.fc1.sparsity=0.95;layers.fc1.bits=0;extra=1", "'extra', which is no dimension")]
    [InlineData("sparsity=0.99;bits=5;w_sep=2;overflow_rate=0;fine_tune_lr=0.001;coding=0;layers.conv2.sparsity=0;layers.fc1.sparsity=0.95;layers.fc1.bits=0", "0.99 of 'sparsity' is not one of its values")]
    [InlineData("sparsity=0.9;bits=5.5;w_sep=2;overflow_rate=0;fine_tune_lr=0.001;coding=0;layers.conv2.sparsity=0;layers.fc1.sparsity=0.95;layers.fc1.bits=0", "'bits'")]
    [InlineData("sparsity=0.9;bits=5;w_sep=2;overflow_rate=2;fine_tune_lr=0.001;coding=0;layers.conv2.sparsity=0;layers.fc1.sparsity=0.95;layers.fc1.bits=0", "'overflow_rate'")]
    public void A_point_that_does_not_fit_the_space_is_refused(string values, string problem)
    {
        var point = new Point(values.Split(';').Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Contains(problem, Assert.Throws<ArgumentException>(() => SweepSpaceMapping.ToConfig(Spec(Adaptive), point)).Message);
    }

    [Fact]
    public void A_point_giving_an_inactive_dimension_is_refused()
    {
        var point = new Point(new Dictionary<string, double> { ["sparsity"] = 0, ["bits.policy"] = 1, ["budget_bits_per_weight"] = 0, ["bits"] = 4 });

        Assert.Contains("'bits', which is inactive under bits.policy per-layer", Assert.Throws<ArgumentException>(() => SweepSpaceMapping.ToConfig(Spec(Policies), point)).Message);
    }

    [Fact]
    public void A_log_draw_an_ulp_past_its_bound_is_taken_at_the_bound()
    {
        var spec = Spec("strategy: { kind: random, budget: 2 }\nspace: { sparsity: 0.9, fine_tune_lr: { low: 0.0005, high: 0.005, log: true } }");
        var high = Math.BitIncrement(0.005);

        Assert.Equal(0.005, SweepSpaceMapping.ToConfig(spec, new Point(new Dictionary<string, double> { ["fine_tune_lr"] = high })).FineTuneLearningRate);
    }

    [Theory]
    [InlineData(Adaptive)]
    [InlineData(Policies)]
    public void Random_points_go_to_trials_and_back_to_the_same_points(string yaml)
    {
        var spec = Spec(yaml);
        var space = SweepSpaceMapping.ToSearchSpace(spec);
        var sampler = new RandomSampler(11);

        for (var number = 0; number < 200; number++)
        {
            var point = sampler.Ask(space, [], number);
            var config = SweepSpaceMapping.ToConfig(spec, point);
            // Through the config's settings, not its Parameters: the same point comes back.
            var back = SweepSpaceMapping.ToPoint(spec, config with { Parameters = null });

            Assert.NotNull(back);
            Assert.Equal(point.Values.Keys.Order(StringComparer.Ordinal), back.Values.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, value) in point.Values) Assert.Equal(value, back[name], 9);
            Assert.Equal(Describe(config), Describe(SweepSpaceMapping.ToConfig(spec, back)));
        }
    }

    [Fact]
    public void Trials_of_another_sweep_map_to_points_where_they_fit_and_to_null_where_they_do_not()
    {
        var spec = Spec(Adaptive);
        var fits = SweepSpaceMapping.ToConfig(spec, new Point(new Dictionary<string, double>
        {
            ["sparsity"] = 0.9, ["bits"] = 5, ["w_sep"] = 2.0, ["overflow_rate"] = 0, ["fine_tune_lr"] = 0.001, ["coding"] = 0,
            ["layers.conv2.sparsity"] = 1, ["layers.fc1.sparsity"] = 0.95, ["layers.fc1.bits"] = 0,
        })) with { Parameters = null };

        Assert.NotNull(SweepSpaceMapping.ToPoint(spec, fits));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { TargetSparsity = 0.5 }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { Bits = 8 }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { WSep = 2.25 }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { OverflowRate = 0.07 }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { ScheduleScale = 0.5 }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { FineTune = FineTuning.Inq }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { LayerSparsity = new Dictionary<string, double> { ["fc1.weight"] = 0.95 } }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { LayerSparsity = new Dictionary<string, double> { ["fc1.weight"] = 0.95, ["conv2.weight"] = 0.8, ["fc2.weight"] = 0.5 } }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { LayerBits = null }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { BitsPolicy = BitsPolicy.PerLayer, BudgetBitsPerWeight = 1.0 }));
        Assert.Null(SweepSpaceMapping.ToPoint(spec, fits with { PruneAlpha = 1.0, TargetSparsity = null }));
    }

    [Fact]
    public void A_planned_grid_trial_of_a_list_spec_maps_to_its_choices()
    {
        var spec = Spec("space: { sparsity: [0.8, 0.9], bits: [4, 5, 6], overflow_rate: [default, 0.05] }");
        var trials = SweepPlan.Expand(spec);

        var points = trials.Select(t => SweepSpaceMapping.ToPoint(spec, t)!).ToArray();

        Assert.All(trials, t => Assert.Null(t.Parameters));
        Assert.Equal((1, 2, 0), ((int)points[10]["sparsity"], (int)points[10]["bits"], (int)points[10]["overflow_rate"]));
        Assert.Equal(trials.Select(Describe), points.Select(p => Describe(SweepSpaceMapping.ToConfig(spec, p))));
    }

    /// <summary>Every setting of a trial (its collections by content, Parameters left out) as text, to compare trials.</summary>
    internal static string Describe(TrialConfig t) => string.Join("|",
        t.Model, t.Dataset, t.Seed, t.Training, t.TargetSparsity, t.PruneAlpha, t.BitsPolicy, t.Bits, string.Join(",", t.CandidateBits),
        t.BudgetBitsPerWeight, t.WSep, t.OverflowRate, t.ScheduleScale, t.FineTuneLearningRate, t.Coding, t.FineTune,
        string.Join(",", (t.LayerSparsity ?? new Dictionary<string, double>()).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value:R}")),
        string.Join(",", (t.LayerBits ?? new Dictionary<string, int>()).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
}
