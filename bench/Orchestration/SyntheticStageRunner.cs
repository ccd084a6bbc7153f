using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Benchmarks.Orchestration;

/// <summary>
/// Trials that take a fixed time and do nothing else: what is left of a sweep's wall time beyond them is the cost of
/// the orchestration (grain calls, persistence, scheduling).
/// </summary>
public sealed class SyntheticStageRunner(TimeSpan trialDuration, int layers) : IStageRunner
{
    public Task<CheckpointRef> EnsureBaselineAsync(BaselineRequest request, string silo, CancellationToken cancellationToken) =>
        Task.FromResult(new CheckpointRef("baseline", 90, 99, silo));

    public Task<CheckpointRef> EnsurePrunedAsync(PruneRequest request, string silo, CancellationToken cancellationToken) =>
        Task.FromResult(new CheckpointRef($"pruned-{request.TargetSparsity}", 89, 99, silo));

    public Task<LayerSearchAnswer> SearchLayerAsync(LayerSearchRequest request, string silo, CancellationToken cancellationToken) =>
        Task.FromResult(new LayerSearchAnswer(request.Layer, 1000, 2.5, [new LayerPoint(request.CandidateBits[0], LayerMode.Shift, 1000, 0.01, 0.01, 89)], 90, silo));

    public IReadOnlyList<string> LayerNames(string model, string dataset, TrainingSpec training) =>
        Enumerable.Range(0, layers).Select(i => $"layer{i}.weight").ToArray();

    public IReadOnlyDictionary<string, int> ChooseBits(IReadOnlyList<LayerSearchAnswer> answers, double budgetBitsPerWeight) =>
        answers.ToDictionary(a => a.Layer, a => a.Points[0].Bits);

    public async Task<TrialResult> RunTrialAsync(
        string trialId, TrialConfig config, CheckpointRef baseline, CheckpointRef pruned, IReadOnlyDictionary<string, int> bits,
        IReadOnlyList<LayerSearchAnswer> answers, Action<string, double> progress, CancellationToken cancellationToken)
    {
        await Task.Delay(trialDuration, cancellationToken);
        var sparsity = config.TargetSparsity ?? 0.5;
        return new TrialResult(1 / (1 - sparsity) * 8, 90 - 10 * sparsity, 99, sparsity, 1000, 8000, baseline.Top1, baseline.Top5, [], "none");
    }
}
