using System.Text.Json;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Stages;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Stages;

/// <summary>
/// Checkpoints written by the real stages, then damaged on disk: the stage that makes one sets a damaged one aside
/// (kept under corrupt/) with a warning and makes it again, instead of every later run failing on it.
/// </summary>
public sealed class DamagedCheckpointTests(StageFixture fixture)
{
    private readonly List<string> _warnings = [];

    // Small and unlike the shared fixture's, so these tests damage nothing another test reads.
    private static readonly BaselineSpec Baseline = StageFixture.Baseline with { TrainLimit = 300, TestLimit = 100, Seed = 21 };

    private CheckpointStore NewStore() =>
        new(Path.Combine(fixture.Folder, "damaged-" + Guid.NewGuid().ToString("N")), warning =>
        {
            lock (_warnings) _warnings.Add(warning);
        });

    private static void Truncate(string path)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.SetLength(file.Length / 2);
    }

    private static string[] SetAside(CheckpointStore store) =>
        Directory.Exists(Path.Combine(store.Root, CheckpointStore.SetAsideFolder))
            ? Directory.GetFiles(Path.Combine(store.Root, CheckpointStore.SetAsideFolder), "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)).ToArray()
            : [];

    [Fact]
    public void A_truncated_baseline_is_set_aside_with_a_warning_and_trained_again()
    {
        var store = NewStore();
        var id = BaselineStage.Ensure(Baseline, store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken);
        var state = store.PathOf(StageNames.Checkpoint(id));
        var whole = new FileInfo(state).Length;
        Truncate(state);
        Assert.Throws<InvalidDataException>(() => StageCheckpoint.Load(store, id));

        var progress = new SyncProgress();
        Assert.Equal(id, BaselineStage.Ensure(Baseline, store, fixture.Data, progress, TestContext.Current.CancellationToken));

        Assert.True(progress.TrainingReports > 0, "the damaged baseline should have been trained again");
        var warning = Assert.Single(_warnings);
        Assert.Contains($"checkpoint {id} in {store.Root} is damaged", warning);
        Assert.Contains($"{whole / 2:N0} bytes where its manifest recorded {whole:N0}", warning);
        Assert.Contains(Path.Combine(store.Root, CheckpointStore.SetAsideFolder), warning);
        Assert.Contains(StageNames.Checkpoint(id), SetAside(store));
        Assert.Contains(StageNames.Manifest(id), SetAside(store));
        Assert.Equal(whole, new FileInfo(state).Length);
        using var loaded = StageCheckpoint.Load(store, id);
        Assert.Equal(id, loaded.Manifest.Id);
    }

    [Fact]
    public void A_state_file_changed_in_place_is_found_by_the_hash_its_manifest_recorded()
    {
        var store = NewStore();
        var id = BaselineStage.Ensure(Baseline, store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken);
        var state = store.PathOf(StageNames.Checkpoint(id));
        var bytes = File.ReadAllBytes(state);
        bytes[^100] ^= 0x40;
        File.WriteAllBytes(state, bytes);

        var refused = Assert.Throws<InvalidDataException>(() => StageCheckpoint.Load(store, id));
        Assert.Contains("SHA-256", refused.Message);

        Assert.False(StageCheckpoint.IsReusable(store, id));
        Assert.False(store.Exists(StageNames.Manifest(id)));
        Assert.Contains(StageNames.Checkpoint(id), SetAside(store));
        Assert.Contains("SHA-256", Assert.Single(_warnings));
    }

    [Fact]
    public void Truncated_masks_of_a_pruned_checkpoint_are_set_aside_and_it_is_pruned_again_from_the_sound_baseline()
    {
        var store = NewStore();
        var prune = StageFixture.Prune with { Baseline = Baseline };
        var id = PruneStage.Ensure(prune, store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken);
        Truncate(store.PathOf(StageNames.Masks(id)));

        var progress = new SyncProgress();
        Assert.Equal(id, PruneStage.Ensure(prune, store, fixture.Data, progress, TestContext.Current.CancellationToken));

        Assert.Contains(progress.Reports, r => r.Stage == PipelineStage.Baseline && r.Detail.Contains("reusing"));
        Assert.Contains(progress.Reports, r => r.Stage == PipelineStage.Prune && r.Detail.StartsWith("epoch", StringComparison.Ordinal));
        Assert.Contains(StageNames.Masks(id), Assert.Single(_warnings));
        // Its evaluations (test and validation) go too: they measured the files set aside, not the ones made again.
        Assert.Equal(new[]
            {
                StageNames.Checkpoint(id), StageNames.Manifest(id), StageNames.Masks(id), StageNames.Evaluation(id, 100),
                StageNames.ValidationEvaluation(id, prune.Baseline.EffectiveValidation, prune.Baseline.TrainLimit),
            }.Order(),
            SetAside(store).Order());
        using var loaded = StageCheckpoint.Load(store, id);
        Assert.NotNull(loaded.Masks);
    }

    [Fact]
    public void A_manifest_that_does_not_parse_is_set_aside_and_the_checkpoint_made_again()
    {
        var store = NewStore();
        var id = BaselineStage.Ensure(Baseline, store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken);
        Truncate(store.PathOf(StageNames.Manifest(id)));

        var progress = new SyncProgress();
        BaselineStage.Ensure(Baseline, store, fixture.Data, progress, TestContext.Current.CancellationToken);

        Assert.True(progress.TrainingReports > 0);
        Assert.Contains("not valid JSON", Assert.Single(_warnings));
        using var loaded = StageCheckpoint.Load(store, id);
    }

    [Fact]
    public void A_checkpoint_from_before_files_were_recorded_is_reused_when_it_loads_and_made_again_when_it_does_not()
    {
        var store = NewStore();
        var id = BaselineStage.Ensure(Baseline, store, fixture.Data, cancellationToken: TestContext.Current.CancellationToken);
        // Rewrite the manifest as earlier versions wrote it: no list of files.
        var manifest = StageCheckpoint.ReadManifest(store, id) with { Files = null };
        store.SaveText(StageNames.Manifest(id), JsonSerializer.Serialize(manifest, ReportJson.Options));

        var sound = new SyncProgress();
        BaselineStage.Ensure(Baseline, store, fixture.Data, sound, TestContext.Current.CancellationToken);
        Assert.Equal(0, sound.TrainingReports);
        Assert.Empty(_warnings);

        Truncate(store.PathOf(StageNames.Checkpoint(id)));
        var damaged = new SyncProgress();
        BaselineStage.Ensure(Baseline, store, fixture.Data, damaged, TestContext.Current.CancellationToken);

        Assert.True(damaged.TrainingReports > 0);
        Assert.Contains("does not fit this model or is corrupt", Assert.Single(_warnings));
        Assert.NotNull(StageCheckpoint.ReadManifest(store, id).Files);
    }
}
