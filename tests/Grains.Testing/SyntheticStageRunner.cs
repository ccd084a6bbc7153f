using System.Collections.Concurrent;
using FocusedQuantization.Grains.Execution;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Testing;

/// <summary>
/// Stages that take a set time and do nothing else: what is left of a sweep's wall time beyond them is the cost of the
/// orchestration (grain calls, persistence, scheduling). Results follow from the config (a higher sparsity or fewer bits
/// compress more and lose more accuracy), so sweeps have a real front. Tests can count runs, slow stages down, make the
/// baseline fail, and hold trials at a gate.
/// </summary>
public sealed class SyntheticStageRunner(TimeSpan trialDuration, int layers) : IStageRunner
{
    private readonly ConcurrentDictionary<string, int> _trialRuns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, int> _baselinesBySeed = new();
    private readonly ConcurrentDictionary<string, int> _searchesByLayer = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Behavior> _bySeed = new();
    private readonly ConcurrentDictionary<string, int> _epochs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _resumes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _paused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _deleted = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _resumedDeleted = new();
    private int _baselines, _prunings, _searches, _trials;

    /// <summary>How long training a baseline takes.</summary>
    public TimeSpan BaselineDuration { get; set; }

    /// <summary>How long one layer search takes.</summary>
    public TimeSpan LayerDuration { get; set; }

    /// <summary>When set, training a baseline throws it (after <see cref="BaselineDuration"/>).</summary>
    public Exception? BaselineFailure { get; set; }

    /// <summary>When set, each trial waits for it before it finishes (after <see cref="TrialDuration"/>).</summary>
    public Task? TrialGate { get; set; }

    /// <summary>
    /// Spread (percentage points) of a deterministic per-config offset added to top-1; 0 (the default) makes every trial
    /// of one bit width lie on the front, a spread makes fronts of the usual size (benchmarks of large sweeps use it).
    /// </summary>
    public double AccuracyNoise { get; set; }

    /// <summary>How long the fine-tune/encode/evaluate part of a trial takes.</summary>
    public TimeSpan TrialDuration { get; set; } = trialDuration;

    /// <summary>
    /// Sets how the stages of configs with <paramref name="seed"/> behave, over the defaults above: tests sharing one
    /// runner (one cluster) each use a seed of their own.
    /// </summary>
    public void Configure(int seed, Behavior behavior) => _bySeed[seed] = behavior;

    public int BaselinesRun => Volatile.Read(ref _baselines);

    /// <summary>Baselines trained for one seed.</summary>
    public int BaselinesRunFor(int seed) => _baselinesBySeed.GetValueOrDefault(seed);

    public int PruningsRun => Volatile.Read(ref _prunings);

    public int LayerSearchesRun => Volatile.Read(ref _searches);

    /// <summary>Searches run for layers of one name.</summary>
    public int LayerSearchesFor(string layer) => _searchesByLayer.GetValueOrDefault(layer);

    /// <summary>Trials whose work ran to its end (not cut short).</summary>
    public int TrialsRun => Volatile.Read(ref _trials);

    /// <summary>How many times a trial's work started.</summary>
    public int TrialStarts(string trialId) => _trialRuns.GetValueOrDefault(trialId);

    /// <summary>Fine-tuning epochs a trial trained over all its runs (a resumed run trains only the epochs after its pause).</summary>
    public int EpochsTrained(string trialId) => _epochs.GetValueOrDefault(trialId);

    /// <summary>The paused checkpoints of a trial (its id is in theirs) that exist: made by a pause and not deleted since.</summary>
    public IReadOnlyList<string> PausedCheckpointsOf(string trialId) =>
        [.. _paused.Keys.Where(k => k.StartsWith($"synthetic-pause/{trialId}/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>How many times checkpoint <paramref name="id"/> was deleted.</summary>
    public int Deletions(string id) => _deleted.GetValueOrDefault(id);

    /// <summary>Resumes asked from a checkpoint that had been deleted (a trial lost its way back): none, unless something deletes too early.</summary>
    public IReadOnlyList<string> ResumedFromDeleted => [.. _resumedDeleted];

    /// <summary>The paused checkpoints a trial's runs resumed from, in order.</summary>
    public IReadOnlyList<string> ResumedFrom(string trialId) => _resumes.TryGetValue(trialId, out var list) ? [.. list] : [];

    public async Task<CheckpointRef> EnsureBaselineAsync(BaselineRequest request, string silo, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _baselines);
        _baselinesBySeed.AddOrUpdate(request.Seed, 1, (_, count) => count + 1);
        var behavior = _bySeed.GetValueOrDefault(request.Seed);
        var duration = behavior?.Baseline ?? BaselineDuration;
        if (duration > TimeSpan.Zero) await Task.Delay(duration, cancellationToken);
        if ((behavior is null ? BaselineFailure : behavior.BaselineFailure) is { } failure) throw failure;
        return new CheckpointRef($"baseline-{request.Seed}", 90, 99, silo);
    }

    public async Task<CheckpointRef> EnsurePrunedAsync(PruneRequest request, string silo, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _prunings);
        await Task.Yield();
        return new CheckpointRef($"pruned-{request.Baseline.Seed}-{request.TargetSparsity}-{request.PruneAlpha}", 89, 99, silo);
    }

    public async Task<LayerSearchAnswer> SearchLayerAsync(LayerSearchRequest request, string silo, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _searches);
        _searchesByLayer.AddOrUpdate(request.Layer, 1, (_, count) => count + 1);
        if (LayerDuration > TimeSpan.Zero) await Task.Delay(LayerDuration, cancellationToken);
        return new LayerSearchAnswer(request.Layer, 1000, 2.5, [new LayerPoint(request.CandidateBits[0], LayerMode.Shift, 1000, 0.01, 0.01, 89)], 90, silo);
    }

    public Task<IReadOnlyList<string>> LayerNamesAsync(string model, string dataset, TrainingSpec training, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Enumerable.Range(0, layers).Select(i => $"layer{i}.weight").ToArray());

    public IReadOnlyDictionary<string, int> ChooseBits(IReadOnlyList<LayerSearchAnswer> answers, double budgetBitsPerWeight) =>
        answers.ToDictionary(a => a.Layer, a => a.Points[0].Bits);

    public async Task<TrialResult> RunTrialAsync(
        string trialId, TrialConfig config, CheckpointRef baseline, CheckpointRef pruned, IReadOnlyDictionary<string, int> bits,
        IReadOnlyList<LayerSearchAnswer> answers, Action<string, double> progress, CancellationToken cancellationToken,
        TrialRunRequest? run = null, TrialRunHooks? hooks = null)
    {
        _trialRuns.AddOrUpdate(trialId, 1, (_, count) => count + 1);
        progress("quantize", 0);
        var behavior = _bySeed.GetValueOrDefault(config.Seed);
        var duration = behavior?.Trial ?? TrialDuration;
        if (duration > TimeSpan.Zero) await Task.Delay(duration, cancellationToken);
        if ((behavior is null ? TrialGate : behavior.Gate) is { } gate) await gate.WaitAsync(cancellationToken);
        var sparsity = config.TargetSparsity ?? 0.5;
        var ratio = 32.0 / config.Bits / (1 - sparsity);
        var top1 = 90 - 10 * sparsity - (8 - config.Bits) * 0.5 + AccuracyNoise * (Unit(config) - 0.5);
        // Early stopping: fine-tuning epochs as the budget. Accuracy climbs to its final value over the schedule, by
        // 6 points, so rungs rank trials as their final accuracy does, up to a config-dependent wobble.
        var epochs = new FocusedQuantization.Compression.Retraining.FineTuneSchedule().Scaled(config.ScheduleScale).TotalEpochs;
        var resumedAt = 0;
        if (run?.ResumeCheckpointId is { } resume)
        {
            _resumes.GetOrAdd(trialId, _ => new ConcurrentQueue<string>()).Enqueue(resume);
            if (!_paused.ContainsKey(resume)) _resumedDeleted.Enqueue(resume);
            resumedAt = int.Parse(resume[(resume.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (behavior?.ResumeFailure is { } failure) throw failure;
        }
        var until = run?.PauseAfterEpoch is { } pause && pause < epochs ? pause : epochs;
        _epochs.AddOrUpdate(trialId, until - resumedAt, (_, trained) => trained + until - resumedAt);
        var rungs = (run?.RungEpochs ?? []).Where(e => e <= until)
            .Select(e => new RungOutcome(e, top1 - 6.0 * (1 - (double)e / epochs) * (0.5 + Unit(config)), top1 - 0.2 - 6.0 * (1 - (double)e / epochs)))
            .ToArray();
        if (until < epochs)
        {
            progress("paused", 1);
            _paused[$"synthetic-pause/{trialId}/{until}"] = 0;
            return new TrialResult(double.NaN, double.NaN, double.NaN, sparsity, 0, (long)(1000 * ratio), baseline.Top1, baseline.Top5, [], "")
            {
                ValidationTop1Dense = 90,
                Rungs = rungs,
                EstimatedCompressedBytes = 1000,
                PausedAtEpoch = until,
                PausedCheckpointId = $"synthetic-pause/{trialId}/{until}",
                ScheduleEpochs = epochs,
            };
        }
        progress("evaluate", 1);
        Interlocked.Increment(ref _trials);
        return new TrialResult(ratio, top1 - 0.2, 99, sparsity, 1000, (long)(1000 * ratio), baseline.Top1, baseline.Top5,
            answers.Select(a => new LayerOutcome(a.Layer, LayerMode.Shift, config.Bits, a.Weights, sparsity, a.Weights * config.Bits)).ToArray(), "none")
        {
            ValidationTop1 = top1,
            ValidationTop5 = 99,
            ValidationTop1Dense = 90,
            FineTuneEpochs = [new EpochOutcome(1, 0.5, 80, 0.01)],
            Rungs = rungs,
            EstimatedCompressedBytes = 1000,
            ScheduleEpochs = epochs,
        };
    }

    public Task DeletePausedAsync(string checkpointId, CancellationToken cancellationToken)
    {
        _paused.TryRemove(checkpointId, out _);
        _deleted.AddOrUpdate(checkpointId, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    /// <summary>A number in [0, 1) that depends only on the config's values (the same on every run and machine).</summary>
    private static double Unit(TrialConfig config)
    {
        var hash = 0x9E3779B97F4A7C15UL;
        foreach (var value in new[] { config.TargetSparsity ?? config.PruneAlpha ?? 0, config.WSep, config.FineTuneLearningRate, config.ScheduleScale, config.Bits })
        {
            hash ^= (ulong)BitConverter.DoubleToInt64Bits(value);
            // splitmix64's finalizer: every input bit moves every output bit.
            hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
            hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
            hash ^= hash >> 31;
        }
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>
    /// How the stages of one seed behave: durations, a baseline failure, a gate each trial waits at, and a failure thrown
    /// by every run that resumes from a paused checkpoint (a silo lost mid-run, say).
    /// </summary>
    public sealed record Behavior(TimeSpan? Trial = null, TimeSpan? Baseline = null, Exception? BaselineFailure = null, Task? Gate = null,
        Exception? ResumeFailure = null);
}
