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

    Task<TrialResult> RunTrialAsync(
        string trialId, TrialConfig config, CheckpointRef baseline, CheckpointRef pruned, IReadOnlyDictionary<string, int> bits,
        IReadOnlyList<LayerSearchAnswer> answers, Action<string, double> progress, CancellationToken cancellationToken);
}
