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
    public void Pruning_without_a_target_or_an_alpha_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => PruneStage.Ensure(StageFixture.Prune with { TargetSparsity = null }, fixture.Store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("target sparsity or a DNS alpha", error.Message);
    }
}
