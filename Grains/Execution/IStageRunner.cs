using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Execution;

/// <summary>
/// The work behind the grains: baseline, pruning, layer search, trial. <see cref="StageRunner"/> runs the real
/// Compression stages; the orchestration benchmark swaps in trials of a fixed duration to measure the cluster alone.
/// </summary>
public interface IStageRunner
{
    Task<CheckpointRef> EnsureBaselineAsync(BaselineRequest request, string silo, CancellationToken cancellationToken);

    Task<CheckpointRef> EnsurePrunedAsync(PruneRequest request, string silo, CancellationToken cancellationToken);

    Task<LayerSearchAnswer> SearchLayerAsync(LayerSearchRequest request, string silo, CancellationToken cancellationToken);

    /// <summary>The quantizable layers of a model, in order; off the grain scheduler (it may build the model).</summary>
    Task<IReadOnlyList<string>> LayerNamesAsync(string model, string dataset, TrainingSpec training, CancellationToken cancellationToken);

    IReadOnlyDictionary<string, int> ChooseBits(IReadOnlyList<LayerSearchAnswer> answers, double budgetBitsPerWeight);

    /// <summary>
    /// Runs a trial. With <paramref name="run"/> it evaluates rungs, pauses (answering with a paused result that names
    /// its checkpoint) or resumes; <paramref name="hooks"/> are called in process as the size estimate and the rungs
    /// become known. Without either, the plain run.
    /// </summary>
    Task<TrialResult> RunTrialAsync(
        string trialId, TrialConfig config, CheckpointRef baseline, CheckpointRef pruned, IReadOnlyDictionary<string, int> bits,
        IReadOnlyList<LayerSearchAnswer> answers, Action<string, double> progress, CancellationToken cancellationToken,
        TrialRunRequest? run = null, TrialRunHooks? hooks = null);

    /// <summary>
    /// Deletes a paused trial's checkpoint (<see cref="TrialResult.PausedCheckpointId"/>) that nothing will resume from,
    /// on every silo that holds a copy. Throws when it could not be deleted everywhere (the caller tries again later).
    /// </summary>
    Task DeletePausedAsync(string checkpointId, CancellationToken cancellationToken);
}

/// <summary>
/// In-process callbacks of a trial run (never serialized), made on the worker thread that runs it: the .fqz size
/// estimated before the first fine-tuning epoch, and each rung evaluation, whose answer true pauses the trial there.
/// </summary>
public sealed class TrialRunHooks
{
    public Action<long>? Estimated { get; init; }

    public Func<RungOutcome, bool>? Rung { get; init; }
}
