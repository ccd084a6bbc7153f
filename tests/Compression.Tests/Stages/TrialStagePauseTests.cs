using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Compression.Stages;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Stages;

/// <summary>
/// Rung evaluations, the size estimate, and pause and resume of a trial: none of them may change what fine-tuning does,
/// so every run here is compared byte for byte with the uninterrupted, unobserved run of the same spec.
/// </summary>
public sealed class TrialStagePauseTests(StageFixture fixture)
{
    // Five epochs (one per step of the paper's schedule), 16 batches each on the fixture's 1000 images.
    private static readonly TrialSpec Spec = new(StageFixture.Prune, Bits: 4, null, WSep: 2.0, OverflowRate: null, ScheduleScale: 0.1,
        FineTuneLearningRate: 0.002, CodingMode.ContextArithmetic, Seed: 11);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Output(string name) => Path.Combine(fixture.Folder, name);

    /// <summary>The plain run of a spec, made once per spec and file name.</summary>
    private (CompressionReport Report, byte[] Bytes) Plain(TrialSpec spec, string name)
    {
        _ = fixture.PrunedId;
        var report = TrialStage.Run(spec, fixture.Store, fixture.Data, Output(name), null, Ct);
        return (report, File.ReadAllBytes(Output(name)));
    }

    private static void AssertSameFigures(CompressionReport expected, CompressionReport actual)
    {
        Assert.Equal(expected.CompressedBytes, actual.CompressedBytes);
        Assert.Equal(expected.PaperCodingBytes, actual.PaperCodingBytes);
        Assert.Equal(expected.Top1Compressed, actual.Top1Compressed);
        Assert.Equal(expected.Top5Compressed, actual.Top5Compressed);
        Assert.Equal(expected.Validation, actual.Validation);
        Assert.Equal(expected.Sparsity, actual.Sparsity);
        Assert.Equal(expected.Layers, actual.Layers);
        Assert.Equal(expected.Recoveries, actual.Recoveries);
        // Durations differ from run to run; what each epoch learned may not.
        Assert.Equal(expected.FineTuneEpochs.Select(e => (e.Epoch, e.Loss, e.AccuracyPercent, e.LearningRate, e.Batches)),
            actual.FineTuneEpochs.Select(e => (e.Epoch, e.Loss, e.AccuracyPercent, e.LearningRate, e.Batches)));
    }

    [Fact]
    public void Rung_evaluations_after_every_epoch_change_no_byte_and_the_rung_after_the_last_epoch_is_the_decoded_model()
    {
        var (plain, bytes) = Plain(Spec, "rung-plain.fqz");
        var estimates = new List<long>();
        var progress = new SyncProgress();
        var seen = new List<RungEvaluation>();
        var options = new TrialRunOptions
        {
            EvaluateEveryEpoch = true,
            OnEstimate = estimate =>
            {
                // Before the first epoch: no training batch has been reported yet.
                Assert.Equal(0, progress.TrainingReports);
                estimates.Add(estimate);
            },
            OnRung = rung =>
            {
                seen.Add(rung);
                return RungDecision.Continue;
            },
        };

        var snapped = TrialStage.Run(Spec, fixture.Store, fixture.Data, Output("rung-snapped.fqz"), options with { RungWeights = RungWeights.Snapped }, progress, Ct);
        var asTrained = TrialStage.Run(Spec, fixture.Store, fixture.Data, Output("rung-trained.fqz"), options with { OnRung = null, OnEstimate = null }, null, Ct);

        Assert.False(snapped.Paused);
        Assert.Equal(bytes, File.ReadAllBytes(Output("rung-snapped.fqz")));
        Assert.Equal(bytes, File.ReadAllBytes(Output("rung-trained.fqz")));
        AssertSameFigures(plain, snapped.Report!);
        AssertSameFigures(plain, asTrained.Report!);
        Assert.Empty(plain.Rungs);
        Assert.Equal([1, 2, 3, 4, 5], snapped.Rungs.Select(r => r.Epoch));
        Assert.Equal(snapped.Rungs, seen);
        Assert.Equal(snapped.Rungs, snapped.Report!.Rungs);
        Assert.Equal([1, 2, 3, 4, 5], asTrained.Rungs.Select(r => r.Epoch));
        // After the last epoch both are the weights the file holds; before the last step the training-time mix is partly float.
        Assert.Equal(plain.Validation!.Top1Compressed, snapped.Rungs[^1].ValidationTop1);
        Assert.Equal(plain.Top1Compressed, snapped.Rungs[^1].TestTop1);
        Assert.Equal(snapped.Rungs[^1], asTrained.Rungs[^1]);
        Assert.NotEqual(snapped.Rungs.Take(4).Select(r => r.ValidationTop1), asTrained.Rungs.Take(4).Select(r => r.ValidationTop1));
        Assert.All(snapped.Rungs, r => Assert.InRange(r.ValidationTop1, 0, 100));

        var estimate = Assert.Single(estimates);
        Assert.Equal(estimate, snapped.EstimatedCompressedBytes);
        Assert.Equal(estimate, snapped.Report!.EstimatedCompressedBytes);
        Assert.Equal(estimate, plain.EstimatedCompressedBytes);
        // The estimate codes the first plans; fine-tuning moves the symbols' statistics, not the file's layout.
        Assert.InRange((double)estimate / plain.CompressedBytes, 0.7, 1.3);
        Assert.Contains(progress.Reports, p => p.Detail.StartsWith("rung 5/5: validation top-1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(FineTuneMode.Ste)]
    [InlineData(FineTuneMode.Inq)]
    public void A_trial_paused_twice_and_resumed_writes_the_bytes_of_the_uninterrupted_run(FineTuneMode mode)
    {
        var spec = Spec with { FineTune = mode };
        var (plain, bytes) = Plain(spec, $"pause-plain-{mode}.fqz");
        var output = Output($"pause-{mode}.fqz");

        // First run: paused by the rung callback after epoch 2.
        var first = TrialStage.Run(spec, fixture.Store, fixture.Data, output, new TrialRunOptions
        {
            RungEpochs = [2, 4],
            OnRung = rung => rung.Epoch == 2 ? RungDecision.Pause : RungDecision.Continue,
        }, null, Ct);
        Assert.True(first.Paused);
        Assert.Null(first.Report);
        Assert.False(File.Exists(output));
        Assert.Equal(new TrialPause(2, 5, spec.PausedId(2), first.Pause!.FineTuneSeconds), first.Pause);
        Assert.Equal([2], first.Rungs.Select(r => r.Epoch));
        Assert.Equal(plain.EstimatedCompressedBytes, first.EstimatedCompressedBytes);
        Assert.Equal(plain.DenseBytes, first.DenseBytes);
        var manifest = StageCheckpoint.ReadManifest(fixture.Store, first.Pause.CheckpointId);
        Assert.Equal("paused", manifest.Kind);
        Assert.Equal(fixture.PrunedId, manifest.Parent);

        // Second run: resumed, paused again by the option after epoch 3.
        var second = TrialStage.Run(spec, fixture.Store, fixture.Data, output, new TrialRunOptions
        {
            RungEpochs = [2, 4],
            ResumeFrom = first.Pause.CheckpointId,
            StopAfterEpoch = 3,
        }, null, Ct);
        Assert.Equal(3, second.Pause!.Epoch);
        Assert.Equal([2], second.Rungs.Select(r => r.Epoch));

        // Third run: resumed to the end.
        var progress = new SyncProgress();
        var third = TrialStage.Run(spec, fixture.Store, fixture.Data, output, new TrialRunOptions { RungEpochs = [2, 4], ResumeFrom = second.Pause.CheckpointId }, progress, Ct);

        Assert.False(third.Paused);
        Assert.Equal(bytes, File.ReadAllBytes(output));
        AssertSameFigures(plain, third.Report!);
        Assert.Equal([2, 4], third.Report!.Rungs.Select(r => r.Epoch));
        Assert.Equal(first.Rungs[0], third.Rungs[0]);
        Assert.Equal(plain.EstimatedCompressedBytes, third.Report.EstimatedCompressedBytes);
        // Only the two epochs left were trained, under their own numbers.
        Assert.Equal(["4/5", "5/5"], progress.Reports.Where(r => r.Detail.StartsWith("epoch", StringComparison.Ordinal)).Select(r => r.Detail.Split(' ')[1]).Distinct());
        Assert.All(progress.Reports.Where(r => r.Detail.StartsWith("epoch", StringComparison.Ordinal)), r => Assert.InRange(r.Fraction, 0.6, 1.0));
        Assert.Contains(progress.Reports, r => r.Detail == $"resuming {second.Pause.CheckpointId} after epoch 3");
    }

    [Fact]
    public void A_damaged_paused_checkpoint_is_set_aside_with_a_warning_and_the_trial_starts_again_from_the_pruned_one()
    {
        var warnings = new List<string>();
        // A store of its own, holding the shared pruned checkpoint, so the damage touches nothing another test reads.
        var store = new CheckpointStore(Path.Combine(fixture.Folder, "pause-damaged-" + Guid.NewGuid().ToString("N")), w =>
        {
            lock (warnings) warnings.Add(w);
        });
        foreach (var id0 in new[] { StageFixture.Baseline.Id, fixture.PrunedId })
            foreach (var file in Directory.GetFiles(fixture.Store.Root, id0 + ".*"))
                File.Copy(file, Path.Combine(store.Root, Path.GetFileName(file)));
        var spec = Spec with { Seed = 12 };
        var (plain, bytes) = Plain(spec, "damaged-plain.fqz");
        var paused = TrialStage.Run(spec, store, fixture.Data, Output("damaged.fqz"), new TrialRunOptions { StopAfterEpoch = 3 }, null, Ct);
        var id = paused.Pause!.CheckpointId;
        var tuner = store.PathOf(StageNames.FineTunerState(id));
        using (var file = new FileStream(tuner, FileMode.Open)) file.SetLength(file.Length / 2);

        var progress = new SyncProgress();
        var resumed = TrialStage.Run(spec, store, fixture.Data, Output("damaged.fqz"), new TrialRunOptions { ResumeFrom = id }, progress, Ct);

        Assert.False(resumed.Paused);
        Assert.Equal(bytes, File.ReadAllBytes(Output("damaged.fqz")));
        AssertSameFigures(plain, resumed.Report!);
        Assert.Equal(2, warnings.Count);
        Assert.Contains($"checkpoint {id} in {store.Root} is damaged", warnings[0]);
        Assert.Contains(StageNames.FineTunerState(id), warnings[0]);
        Assert.Contains($"fine-tuning starts again from {fixture.PrunedId}", warnings[1]);
        Assert.Contains(progress.Reports, p => p.Notice && p.Detail.Contains("starts again", StringComparison.Ordinal));
        Assert.Contains(progress.Reports, p => p.Detail == "planning layers");
        Assert.False(store.Exists(StageNames.Manifest(id)));
        Assert.Contains(StageNames.FineTunerState(id),
            Directory.GetFiles(Path.Combine(store.Root, CheckpointStore.SetAsideFolder), "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)));
    }

    [Fact]
    public void Trials_of_the_same_settings_pause_to_checkpoints_of_their_own_and_deleting_one_leaves_the_other_to_resume()
    {
        var spec = Spec with { Seed = 14 };
        var (plain, bytes) = Plain(spec, "owned-plain.fqz");
        var mine = TrialStage.Run(spec, fixture.Store, fixture.Data, Output("owned-a.fqz"), new TrialRunOptions { StopAfterEpoch = 1, Owner = "s1/0001" }, null, Ct);
        var theirs = TrialStage.Run(spec, fixture.Store, fixture.Data, Output("owned-b.fqz"), new TrialRunOptions { StopAfterEpoch = 1, Owner = "s2/0001" }, null, Ct);

        Assert.Equal(spec.PausedId(1, "s1/0001"), mine.Pause!.CheckpointId);
        Assert.Equal(spec.PausedId(1, "s2/0001"), theirs.Pause!.CheckpointId);
        Assert.NotEqual(mine.Pause.CheckpointId, theirs.Pause.CheckpointId);
        Assert.NotEqual(spec.PausedId(1), mine.Pause.CheckpointId);

        Assert.True(TrialStage.DeletePaused(fixture.Store, mine.Pause.CheckpointId));

        Assert.Empty(Directory.GetFiles(fixture.Store.Root, mine.Pause.CheckpointId + ".*"));
        Assert.False(TrialStage.DeletePaused(fixture.Store, mine.Pause.CheckpointId));
        var progress = new SyncProgress();
        var resumed = TrialStage.Run(spec, fixture.Store, fixture.Data, Output("owned-b.fqz"),
            new TrialRunOptions { ResumeFrom = theirs.Pause.CheckpointId, Owner = "s2/0001" }, progress, Ct);
        Assert.DoesNotContain(progress.Reports, p => p.Notice);
        Assert.Equal(bytes, File.ReadAllBytes(Output("owned-b.fqz")));
        AssertSameFigures(plain, resumed.Report!);
        // Only a paused trial's checkpoint may go: the pruned one is shared by every trial.
        Assert.Throws<ArgumentException>(() => TrialStage.DeletePaused(fixture.Store, fixture.PrunedId));
        Assert.True(fixture.Store.Exists(StageNames.Manifest(fixture.PrunedId)));
        Assert.Throws<ArgumentException>(() => new TrialRunOptions { Owner = " " }.Validate());
    }

    [Fact]
    public void A_paused_checkpoint_of_another_trial_is_refused_and_a_pause_at_the_last_epoch_finishes()
    {
        _ = fixture.PrunedId;
        var spec = Spec with { Seed = 13 };
        var paused = TrialStage.Run(spec, fixture.Store, fixture.Data, Output("other.fqz"), new TrialRunOptions { StopAfterEpoch = 1 }, null, Ct);

        var error = Assert.Throws<ArgumentException>(() => TrialStage.Run(spec with { Bits = 5 }, fixture.Store, fixture.Data, Output("other.fqz"),
            new TrialRunOptions { ResumeFrom = paused.Pause!.CheckpointId }, null, Ct));
        Assert.Contains("paused by another trial", error.Message);
        Assert.Throws<ArgumentException>(() => TrialStage.Run(spec, fixture.Store, fixture.Data, Output("other.fqz"),
            new TrialRunOptions { ResumeFrom = fixture.PrunedId }, null, Ct));

        var last = TrialStage.Run(spec, fixture.Store, fixture.Data, Output("other.fqz"), new TrialRunOptions { StopAfterEpoch = 5, OnRung = _ => RungDecision.Pause, RungEpochs = [5] }, null, Ct);
        Assert.False(last.Paused);
        Assert.True(File.Exists(Output("other.fqz")));
        Assert.Throws<ArgumentException>(() => new TrialRunOptions { StopAfterEpoch = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new TrialRunOptions { RungEpochs = [0] }.Validate());
    }
}
