using System.Globalization;
using FocusedQuantization.Compression.Retraining;
using FocusedQuantization.Grains.Interfaces.Sweeps;
using FocusedQuantization.Search;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// Multi-objective early stopping for a sweep (spec key early_stopping): a trial's fine-tuning epochs are its budget;
/// it pauses at each rung (geometric fractions of its schedule, or the spec's epochs), and goes on only when it ranks in the best 1/Eta of
/// the trials at that rung by MO-ASHA's rule (<see cref="MultiObjectiveAsha"/>). A trial is judged by what is known of
/// it at the rung: its compressed size, estimated before fine-tuning (it hardly changes), and its validation top-1
/// there (it grows with fine-tuning, equally for all trials at the same rung).
/// </summary>
/// <remarks>
/// Reproducible: trial k's decisions compare it with the trials 0..k-lag-1 only, which the sweep lets settle before it
/// starts k, so the decisions depend on the spec and seed, not on timing. When every trial has settled, stopped trials
/// that rank in the best 1/Eta of their rung among all trials there are resumed from their checkpoints to the end
/// (the late promotions of asynchronous successive halving), until none is left.
/// </remarks>
internal sealed class SweepEarlyStopping(SweepSpec spec)
{
    private readonly EarlyStoppingSpec _settings = spec.EarlyStopping ?? throw new ArgumentException("The spec has no early_stopping.", nameof(spec));
    private readonly MultiObjectiveAsha _asha = new(spec.EarlyStopping!.Eta);

    /// <summary>Trial k starts once trials 0..k-Lag-1 have settled (the adaptive strategies' lag).</summary>
    public int Lag { get; } = Math.Max(0, spec.Strategy.Lag ?? spec.Concurrency);

    /// <summary>The fine-tuning epochs of a config's schedule (the paper's, scaled by its schedule_scale).</summary>
    public static int ScheduleEpochs(TrialConfig config) => new FineTuneSchedule().Scaled(config.ScheduleScale).TotalEpochs;

    /// <summary>A config's rungs: fine-tuning epochs, the whole schedule last.</summary>
    public IReadOnlyList<int> Rungs(TrialConfig config) => (_settings.Rungs is { } given
        ? RungSchedule.Explicit(ScheduleEpochs(config), given)
        : RungSchedule.Geometric(ScheduleEpochs(config), _settings.Eta, _settings.MinFraction)).Epochs;

    /// <summary>The budget up to rung <paramref name="rung"/> (0-based): its epochs evaluated, paused after the rung's epoch.</summary>
    public TrialBudget Budget(TrialConfig config, int rung)
    {
        var rungs = Rungs(config);
        return new TrialBudget(rungs, rungs[Math.Clamp(rung, 0, rungs.Count - 1)]);
    }

    /// <summary>The budget that runs a trial to the end of its schedule (a late promotion).</summary>
    public TrialBudget ToTheEnd(TrialConfig config) => Budget(config, int.MaxValue);

    /// <summary>The rung a trial paused at (0-based), from the epochs it ran; -1 when the epochs are not one of its rungs.</summary>
    public int RungOf(TrialConfig config, TrialSummary summary) => Rungs(config).ToList().IndexOf(summary.EpochsRun);

    /// <summary>
    /// Whether the trial goes on past rung <paramref name="rung"/>, compared with <paramref name="peers"/> (settled trials),
    /// and the reason shown when it does not.
    /// </summary>
    public (bool GoesOn, string Reason) Decide(
        int index, TrialConfig config, TrialSummary summary, int rung, IEnumerable<(int Index, TrialConfig Config, TrialSummary Summary)> peers)
    {
        var candidate = At(index, config, summary, rung) ?? throw new InvalidOperationException($"Trial {index} has no evaluation at rung {rung}.");
        var judged = _asha.Judge(candidate, [.. peers.Select(p => At(p.Index, p.Config, p.Summary, rung)).OfType<RungResult>()]);
        var rungs = Rungs(config);
        var repeat = judged.RepeatOf is { } earlier ? $"the same figures as trial {earlier}, " : "";
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"stopped at rung {rung + 1}/{rungs.Count} (epoch {rungs[rung]}/{rungs[^1]}): {repeat}ranked {judged.Position + 1} of {judged.Count}, the best {judged.Quota} go on");
        return (judged.GoesOn, reason);
    }

    /// <summary>
    /// The stopped trials to resume to the end now that every trial has settled: those in the best 1/Eta of their last
    /// rung among every trial that reached it.
    /// </summary>
    public IReadOnlyList<int> LatePromotions(IReadOnlyList<(int Index, TrialConfig Config, TrialSummary Summary, bool Stopped)> settled) =>
        _asha.LatePromotions([.. settled.Select(s => new RungHistory(s.Index,
            [.. Enumerable.Range(0, Rungs(s.Config).Count).Select(r => At(s.Index, s.Config, s.Summary, r))], s.Stopped))]);

    /// <summary>A trial's figures at a rung (null when it did not reach it), every objective minimized.</summary>
    public RungResult? At(int index, TrialConfig config, TrialSummary summary, int rung)
    {
        var rungs = Rungs(config);
        if (rung < 0 || rung >= rungs.Count) return null;
        var epoch = rungs[rung];
        var outcome = summary.Rungs.FirstOrDefault(r => r.Epoch == epoch);
        return outcome is null ? null : new RungResult(index, SweepObjectives.AtRung(spec, summary, outcome), SweepObjectives.ViolationAtRung(spec, summary, outcome));
    }
}
