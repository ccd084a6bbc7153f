using System.Diagnostics;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Telemetry;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// A trial's span and its counters, kept out of <see cref="TrialGrain"/> so that the grain only says what happened:
/// started (under the sweep's span), completed with a result, or failed.
/// </summary>
internal sealed class TrialSpan : IDisposable
{
    private readonly Activity? _activity;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private TrialSpan(Activity? activity) => _activity = activity;

    /// <summary>Starts the span under <paramref name="traceParent"/> (the sweep's span) and counts the trial as started.</summary>
    public static TrialSpan Start(string? traceParent, string sweepId, string trialId, TrialConfig config)
    {
        var activity = FqTraceContext.StartUnder(FqSpans.Trial, traceParent);
        activity?.SetTag(FqTags.SweepId, sweepId)
            .SetTag(FqTags.TrialId, trialId)
            .SetTag(FqTags.Model, config.Model)
            .SetTag(FqTags.Bits, config.Bits)
            .SetTag(FqTags.Mode, SweepVocabulary.Name(config.BitsPolicy))
            .SetTag(FqTags.Sparsity, config.TargetSparsity);
        FqMetrics.TrialsStarted.Add(1);
        return new TrialSpan(activity);
    }

    /// <summary>The trial finished with <paramref name="result"/>.</summary>
    public void Completed(TrialResult result)
    {
        if (result.Paused)
        {
            // Paused at a rung for its sweep's decision: not completed (yet).
            _activity?.SetTag(FqTags.PausedAtEpoch, result.PausedAtEpoch);
            return;
        }
        _activity?.SetTag(FqTags.CompressionRatio, result.CompressionRatio).SetTag(FqTags.Top1, result.Top1);
        FqMetrics.TrialsCompleted.Add(1);
        FqMetrics.RecordStage("trial", _clock.Elapsed);
    }

    /// <summary>The trial (or, when <paramref name="counts"/> is false, only this attempt of it) failed.</summary>
    public void Failed(Exception exception, bool counts = true)
    {
        _activity.RecordFailure(exception);
        if (counts) FqMetrics.TrialsFailed.Add(1);
    }

    public void Dispose() => _activity?.Dispose();
}
