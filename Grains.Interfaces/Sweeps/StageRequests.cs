using System.Text.Json.Serialization;
using Orleans.Concurrency;

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>A dense baseline: which model, data and training produce it.</summary>
[GenerateSerializer, Immutable, Alias("fq.BaselineRequest")]
public sealed record BaselineRequest(
    [property: Id(0)] string Model,
    [property: Id(1)] string Dataset,
    [property: Id(2)] int Seed,
    [property: Id(3)] TrainingSpec Training);

/// <summary>A pruned checkpoint of a baseline. Exactly one of TargetSparsity and PruneAlpha is set.</summary>
[GenerateSerializer, Immutable, Alias("fq.PruneRequest")]
public sealed record PruneRequest(
    [property: Id(0)] BaselineRequest Baseline,
    [property: Id(1)] double? TargetSparsity,
    [property: Id(2)] double? PruneAlpha)
{
    /// <summary>
    /// Layers (weight names) pruned to their own sparsity; TargetSparsity is then allocated over the other layers.
    /// Null or empty: none. Left out of JSON when null, so that the job key of a request without it is what it was.
    /// </summary>
    [Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? LayerSparsity { get; init; }
}

/// <summary>A checkpoint in the store every silo reads, with the test accuracy it scored.</summary>
[GenerateSerializer, Immutable, Alias("fq.CheckpointRef")]
public sealed record CheckpointRef(
    [property: Id(0)] string Id,
    [property: Id(1)] double Top1,
    [property: Id(2)] double Top5,
    [property: Id(3)] string Silo);

/// <summary>The quantization search of one layer of a pruned checkpoint, over candidate bit widths.</summary>
[GenerateSerializer, Immutable, Alias("fq.LayerSearchRequest")]
public sealed record LayerSearchRequest(
    [property: Id(0)] string PrunedCheckpointId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Dataset,
    [property: Id(3)] string Layer,
    [property: Id(4)] IReadOnlyList<int> CandidateBits,
    [property: Id(5)] double WSep,
    [property: Id(6)] double? OverflowRate,
    [property: Id(7)] CodingScheme Coding,
    [property: Id(8)] int Seed,
    [property: Id(9)] TrainingSpec Training);

/// <summary>One candidate width of a layer: its coded size, its error, and top-1 with only this layer quantized.</summary>
[GenerateSerializer, Immutable, Alias("fq.LayerPoint")]
public sealed record LayerPoint(
    [property: Id(0)] int Bits,
    [property: Id(1)] LayerMode Mode,
    [property: Id(2)] long CodedBits,
    [property: Id(3)] double Mse,
    [property: Id(4)] double RelativeError,
    [property: Id(5)] double Top1);

/// <summary>
/// A layer's rate-distortion points, top-1 (percent) of the unquantized checkpoint on the same images (each point's
/// drop is measured from it, so the width choice needs it), and the silo that computed them.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.LayerSearchAnswer")]
public sealed record LayerSearchAnswer(
    [property: Id(0)] string Layer,
    [property: Id(1)] long Weights,
    [property: Id(2)] double Separation,
    [property: Id(3)] IReadOnlyList<LayerPoint> Points,
    [property: Id(5)] double Top1Reference,
    [property: Id(4)] string Silo);

/// <summary>
/// How a trial's run reports on itself and where it stops; every field is optional, and a request with none (or no
/// request) is the plain run. Rung evaluations measure the model after the given fine-tuning epochs; a run paused after
/// <see cref="PauseAfterEpoch"/> saves a checkpoint and answers with it instead of a .fqz; a run given
/// <see cref="ResumeCheckpointId"/> goes on from that checkpoint to the bytes an uninterrupted run writes.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.TrialRunRequest")]
public sealed record TrialRunRequest
{
    /// <summary>Fine-tuning epochs (1-based, over the whole schedule) after which the model is evaluated; empty: none.</summary>
    [Id(0)] public IReadOnlyList<int> RungEpochs { get; init; } = [];

    /// <summary>Evaluate after every fine-tuning epoch.</summary>
    [Id(1)] public bool EveryEpoch { get; init; }

    /// <summary>Pause after this many fine-tuning epochs (ignored at or past the end of the schedule); null: do not pause.</summary>
    [Id(2)] public int? PauseAfterEpoch { get; init; }

    /// <summary>The checkpoint of an earlier paused run of this trial to resume from; null: start from the pruned checkpoint.</summary>
    [Id(3)] public string? ResumeCheckpointId { get; init; }
}

/// <summary>The model after a fine-tuning epoch, evaluated: top-1 (percent) on the validation images (decisions) and the test images (reported).</summary>
[GenerateSerializer, Immutable, Alias("fq.RungOutcome")]
public sealed record RungOutcome(
    [property: Id(0)] int Epoch,
    [property: Id(1)] double ValidationTop1,
    [property: Id(2)] double TestTop1);

/// <summary>Where a stage job is.</summary>
[GenerateSerializer, Alias("fq.JobStatus")]
public enum JobStatus
{
    /// <summary>The work is under way.</summary>
    Running = 0,

    /// <summary>The work is done; the job's result is set.</summary>
    Done = 1,

    /// <summary>The work failed; the job's error says why. Asking to ensure it again starts it again.</summary>
    Failed = 2,

    /// <summary>There is no such job here (a new activation, or the work was cut short by its silo stopping): ensure it again.</summary>
    Lost = 3,
}

/// <summary>A stage job as its owner answers: running, done with its result, failed with a message, or lost.</summary>
[GenerateSerializer, Immutable, Alias("fq.StageJob`1")]
public sealed record StageJob<T>(
    [property: Id(0)] JobStatus Status,
    [property: Id(1)] T? Result,
    [property: Id(2)] string? Error)
{
    public static StageJob<T> Running { get; } = new(JobStatus.Running, default, null);

    public static StageJob<T> Lost { get; } = new(JobStatus.Lost, default, null);
}

/// <summary>
/// Owns a baseline and its pruned checkpoints: each is trained once, whoever asks and however often. Training takes up
/// to hours, so it runs as a job: <c>Ensure*</c> starts it if needed and answers at once; <c>Wait*</c> is a long poll that
/// answers when the job ends or after <c>upTo</c> (at most <see cref="StageJobs.MaxWait"/>), whichever is first, well
/// within the default response timeout. The caller loops; nothing here calls back.
/// </summary>
[Alias("fq.IModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    [Alias("EnsureBaseline")]
    Task<StageJob<CheckpointRef>> EnsureBaseline(BaselineRequest request);

    /// <summary>Waits up to <paramref name="upTo"/> for the baseline job; interleaves (it only reads the job table).</summary>
    [AlwaysInterleave, Alias("WaitBaseline")]
    Task<StageJob<CheckpointRef>> WaitBaseline(BaselineRequest request, TimeSpan upTo, CancellationToken cancellationToken = default);

    [Alias("EnsurePruned")]
    Task<StageJob<CheckpointRef>> EnsurePruned(PruneRequest request);

    /// <summary>Waits up to <paramref name="upTo"/> for the pruning job; interleaves (it only reads the job table).</summary>
    [AlwaysInterleave, Alias("WaitPruned")]
    Task<StageJob<CheckpointRef>> WaitPruned(PruneRequest request, TimeSpan upTo, CancellationToken cancellationToken = default);
}

/// <summary>
/// One layer's quantization search, one activation per (checkpoint, layer, setting); answers are cached. A job like
/// <see cref="IModelGrain"/>'s: <see cref="Search"/> starts it and answers at once, <see cref="WaitSearch"/> long-polls.
/// </summary>
[Alias("fq.ILayerGrain")]
public interface ILayerGrain : IGrainWithStringKey
{
    [Alias("Search")]
    Task<StageJob<LayerSearchAnswer>> Search(LayerSearchRequest request);

    /// <summary>Waits up to <paramref name="upTo"/> for the search; interleaves (it only reads the job).</summary>
    [AlwaysInterleave, Alias("WaitSearch")]
    Task<StageJob<LayerSearchAnswer>> WaitSearch(LayerSearchRequest request, TimeSpan upTo, CancellationToken cancellationToken = default);
}

/// <summary>The stage jobs' long-poll limit, and the caller's loop that runs a job to its end.</summary>
public static class StageJobs
{
    /// <summary>The longest a Wait call holds: 20 s, under the default 30 s response timeout.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    // How long to wait before ensuring again a job whose silo cut it short.
    private static readonly TimeSpan LostRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs a job to its end: ensure it (answered at once), then long-poll it, ensuring it again when its silo lost it.
    /// Each call is answered within <see cref="MaxWait"/>; a failed job throws <see cref="StageJobFailedException"/>.
    /// </summary>
    public static async Task<T> RunAsync<T>(Func<Task<StageJob<T>>> ensure, Func<TimeSpan, CancellationToken, Task<StageJob<T>>> wait,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ensure);
        ArgumentNullException.ThrowIfNull(wait);
        var job = await ensure().WaitAsync(cancellationToken);
        while (true)
        {
            switch (job.Status)
            {
                case JobStatus.Done:
                    return job.Result!;
                case JobStatus.Failed:
                    throw new StageJobFailedException(job.Error ?? "a shared stage failed");
                case JobStatus.Lost:
                    await Task.Delay(LostRetry, cancellationToken);
                    job = await ensure().WaitAsync(cancellationToken);
                    break;
                default:
                    job = await wait(MaxWait, cancellationToken).WaitAsync(cancellationToken);
                    break;
            }
        }
    }

    /// <summary>The baseline, trained (or found) by its model grain.</summary>
    public static Task<CheckpointRef> BaselineAsync(this IModelGrain model, BaselineRequest request, CancellationToken cancellationToken = default) =>
        RunAsync(() => model.EnsureBaseline(request), (upTo, token) => model.WaitBaseline(request, upTo, token), cancellationToken);

    /// <summary>The pruned checkpoint (and its baseline first), made (or found) by the model grain.</summary>
    public static Task<CheckpointRef> PrunedAsync(this IModelGrain model, PruneRequest request, CancellationToken cancellationToken = default) =>
        RunAsync(() => model.EnsurePruned(request), (upTo, token) => model.WaitPruned(request, upTo, token), cancellationToken);

    /// <summary>The layer's search answer, computed (or found) by its layer grain.</summary>
    public static Task<LayerSearchAnswer> SearchAsync(this ILayerGrain layer, LayerSearchRequest request, CancellationToken cancellationToken = default) =>
        RunAsync(() => layer.Search(request), (upTo, token) => layer.WaitSearch(request, upTo, token), cancellationToken);
}

/// <summary>A shared stage job (a baseline, a pruning, a layer search) failed; the message is the job's error.</summary>
public sealed class StageJobFailedException(string message) : Exception(message);
