using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Stages;
using TorchSharp;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Stages;

public sealed class PruneStageTests(StageFixture fixture)
{
    [Fact]
    public void Pruned_weights_are_zero_exactly_where_the_stored_masks_say_and_sparsity_meets_the_target()
    {
        using var checkpoint = StageCheckpoint.Load(fixture.Store, fixture.PrunedId);

        Assert.NotNull(checkpoint.Masks);
        var named = checkpoint.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        long kept = 0, total = 0;
        foreach (var (name, mask) in checkpoint.Masks)
        {
            var weights = named[name].data<float>().ToArray();
            Assert.Equal(weights.Length, mask.Length);
            for (var i = 0; i < mask.Length; i++)
                if (!mask[i]) Assert.Equal(0f, weights[i]);
            kept += mask.Count(k => k);
            total += mask.Length;
        }
        Assert.InRange(1 - (double)kept / total, 0.88, 0.92);
        Assert.Equal("pruned", checkpoint.Manifest.Kind);
        Assert.Equal(StageFixture.Baseline.Id, checkpoint.Manifest.Parent);
        Assert.Equal(checkpoint.Masks.Select(m => m.Mask.Length), checkpoint.Manifest.LayerWeights);
    }

    [Fact]
    public void A_second_ensure_returns_the_same_id_without_pruning_again()
    {
        var id = fixture.PrunedId;
        var written = File.GetLastWriteTimeUtc(fixture.Store.PathOf(StageNames.Masks(id)));
        var progress = new SyncProgress();

        var again = PruneStage.Ensure(StageFixture.Prune, fixture.Store, fixture.Data, progress, TestContext.Current.CancellationToken);

        Assert.Equal(id, again);
        Assert.Equal(0, progress.TrainingReports);
        Assert.Contains(progress.Reports, r => r.Stage == PipelineStage.Prune && r.Detail.Contains("reusing"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(fixture.Store.PathOf(StageNames.Masks(id))));
    }

    [Fact]
    public void The_id_names_its_baseline_and_a_set_alpha_makes_the_sparsity_irrelevant()
    {
        var spec = StageFixture.Prune;

        Assert.NotEqual(spec.Id, (spec with { Baseline = spec.Baseline with { Seed = 3 } }).Id);
        Assert.NotEqual(spec.Id, (spec with { TargetSparsity = 0.8 }).Id);
        Assert.Equal((spec with { PruneAlpha = 1.0, TargetSparsity = 0.5 }).Id, (spec with { PruneAlpha = 1.0, TargetSparsity = 0.7 }).Id);
    }

    [Fact]
    public void Layers_with_their_own_sparsity_reach_it_and_the_others_share_the_whole_model_target()
    {
        var own = new Dictionary<string, double> { ["fc1.weight"] = 0.97, ["conv1.weight"] = 0.3 };
        var spec = StageFixture.Prune with { TargetSparsity = 0.8, LayerSparsity = own };

        var id = PruneStage.Ensure(spec, fixture.Store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken);

        using var checkpoint = StageCheckpoint.Load(fixture.Store, id);
        var sparsity = checkpoint.Masks!.ToDictionary(m => m.Name, m => 1 - (double)m.Mask.Count(k => k) / m.Mask.Length);
        Assert.InRange(sparsity["fc1.weight"], 0.96, 0.98);
        Assert.InRange(sparsity["conv1.weight"], 0.28, 0.32);
        // The rest (conv2, fc2) prune to 0.8 between them, by weight count.
        var rest = checkpoint.Masks!.Where(m => !own.ContainsKey(m.Name)).ToArray();
        Assert.Equal(["conv2.weight", "fc2.weight"], rest.Select(m => m.Name));
        Assert.InRange(1 - (double)rest.Sum(m => m.Mask.Count(k => k)) / rest.Sum(m => m.Mask.Length), 0.78, 0.82);
        Assert.NotEqual(fixture.PrunedId, id);
        Assert.Contains("|layers conv1.weight=0.3,fc1.weight=0.97|", checkpoint.Manifest.Settings, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_per_layer_targets_the_id_is_what_it_always_was_and_with_them_it_is_their_own()
    {
        var spec = StageFixture.Prune;
        // The canonical form before per-layer targets existed: checkpoints and results made then are found again.
        var before = $"pruned|{spec.Baseline.Id}|sparsity 0.9|epochs 1|seed 1";

        Assert.Equal(before, spec.Canonical);
        Assert.Equal(CheckpointStore.KeyOf("pruned", before), spec.Id);
        Assert.Equal(spec.Id, (spec with { LayerSparsity = new Dictionary<string, double>() }).Id);
        var one = spec with { LayerSparsity = new Dictionary<string, double> { ["fc1.weight"] = 0.95, ["conv2.weight"] = 0.8 } };
        var sameInAnotherOrder = spec with { LayerSparsity = new Dictionary<string, double> { ["conv2.weight"] = 0.8, ["fc1.weight"] = 0.95 } };
        var other = spec with { LayerSparsity = new Dictionary<string, double> { ["fc1.weight"] = 0.96, ["conv2.weight"] = 0.8 } };
        Assert.NotEqual(spec.Id, one.Id);
        Assert.Equal(one.Id, sameInAnotherOrder.Id);
        Assert.NotEqual(one.Id, other.Id);
    }

    [Fact]
    public void The_whole_model_target_is_allocated_over_the_layers_without_their_own()
    {
        string[] layers = ["a", "b", "c", "d"];
        int[] sizes = [100, 10_000, 400_000, 5_000];
        var spec = StageFixture.Prune with { TargetSparsity = 0.9, LayerSparsity = new Dictionary<string, double> { ["c"] = 0.99 } };

        var targets = PruneStage.Targets(layers, sizes, spec);

        Assert.Equal(0.99, targets[2]);
        var rest = new[] { 0, 1, 3 };
        Assert.Equal(0.9, rest.Sum(i => targets[i] * sizes[i]) / rest.Sum(i => sizes[i]), 6);
        Assert.Equal(Compression.Retraining.SparsityAllocation.Allocate([100, 10_000, 5_000], 0.9), rest.Select(i => targets[i]));
        Assert.Equal(Compression.Retraining.SparsityAllocation.Allocate(sizes, 0.9), PruneStage.Targets(layers, sizes, StageFixture.Prune with { TargetSparsity = 0.9 }));
        // Every layer its own: the whole-model target has nothing left to share out.
        Assert.Equal([0.1, 0.2], PruneStage.Targets(["a", "b"], [10, 20], spec with { LayerSparsity = new Dictionary<string, double> { ["a"] = 0.1, ["b"] = 0.2 } }));
    }

    [Theory]
    [InlineData("fc9.weight", 0.9, null, "names fc9.weight, which the model does not have")]
    [InlineData("fc1.weight", 1.0, null, "must be in [0, 0.999]")]
    [InlineData("fc1.weight", 0.9, 1.0, "does not combine with a DNS alpha")]
    public void Impossible_per_layer_targets_are_refused(string layer, double sparsity, double? alpha, string problem)
    {
        var spec = StageFixture.Prune with { PruneAlpha = alpha, LayerSparsity = new Dictionary<string, double> { [layer] = sparsity } };

        var error = Assert.Throws<ArgumentException>(() => alpha is null && sparsity < 1
            ? PruneStage.Targets(["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"], [500, 25_000, 400_000, 5_000], spec)
            : PruneStage.Ensure(spec, fixture.Store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Pruning_without_a_target_or_an_alpha_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => PruneStage.Ensure(StageFixture.Prune with { TargetSparsity = null }, fixture.Store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("target sparsity or a DNS alpha", error.Message);
    }
}
