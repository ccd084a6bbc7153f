using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Tests.Execution;

/// <summary>How a trial's per-layer settings become its stage requests: layer targets into pruning, layer widths into the uniform policy's widths.</summary>
public sealed class TrialStageMappingTests
{
    private static readonly string[] Layers = ["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"];

    private static readonly TrialConfig Config = new("lenet5", "fashion-mnist", 1, new TrainingSpec(1, 1, 64, 0.02, null, null, null),
        0.9, null, BitsPolicy.Uniform, 5, [5], null, 2.0, null, 0.2, 0.001, CodingScheme.Arithmetic);

    [Fact]
    public void Layer_widths_replace_the_uniform_width_of_their_layers_only()
    {
        var bits = StageRunner.UniformBits(Config with { LayerBits = new Dictionary<string, int> { ["fc1.weight"] = 3 } }, Layers);

        Assert.Equal([5, 5, 3, 5], Layers.Select(l => bits[l]));
        Assert.All(StageRunner.UniformBits(Config, Layers).Values, b => Assert.Equal(5, b));
    }

    [Fact]
    public void Layer_widths_under_the_per_layer_policy_or_for_a_layer_the_model_lacks_are_refused()
    {
        var perLayer = Config with { BitsPolicy = BitsPolicy.PerLayer, BudgetBitsPerWeight = 1.0, LayerBits = new Dictionary<string, int> { ["fc1.weight"] = 3 } };

        Assert.Contains("only to the uniform bits policy", Assert.Throws<ArgumentException>(() => StageRunner.UniformBits(perLayer, Layers)).Message);
        Assert.Contains("fc9.weight", Assert.Throws<ArgumentException>(() =>
            StageRunner.UniformBits(Config with { LayerBits = new Dictionary<string, int> { ["fc9.weight"] = 3 } }, Layers)).Message);
    }

    [Fact]
    public void Layer_targets_reach_the_prune_request_and_none_leaves_it_as_it_was()
    {
        var layered = StageRunner.PruneOf(Config with { LayerSparsity = new Dictionary<string, double> { ["fc1.weight"] = 0.97 } });
        var plain = StageRunner.PruneOf(Config with { LayerSparsity = new Dictionary<string, double>() });

        Assert.Equal(0.97, layered.LayerSparsity!["fc1.weight"]);
        Assert.Equal((0.9, (double?)null), (layered.TargetSparsity!.Value, layered.PruneAlpha));
        Assert.Null(plain.LayerSparsity);
        Assert.Equal(Grains.Sweeps.Keys.Of(new PruneRequest(plain.Baseline, 0.9, null)), Grains.Sweeps.Keys.Of(plain));
    }
}
