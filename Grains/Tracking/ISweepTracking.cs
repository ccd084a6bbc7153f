using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>
/// What the sweep grain tells the experiment tracker: the sweep as a parent run, each trial as a child run. Every call
/// is a quick local enqueue that never throws, so logging can never fail a trial or a sweep.
/// </summary>
public interface ISweepTracking
{
    /// <summary>The sweep started: its parent run, with the spec as params and tags.</summary>
    void SweepLaunched(SweepStatus sweep);

    /// <summary>A trial started: its child run, RUNNING, with the trial's config as params.</summary>
    void TrialStarted(SweepStatus sweep, string trialId);

    /// <summary>A trial's outcome was recorded: its final metrics and status, and fq.pareto of every trial whose membership changed.</summary>
    void TrialEnded(SweepStatus sweep, string trialId, ParetoResult pareto);

    /// <summary>The sweep ended (or was cancelled): its totals, hypervolume, status and end time; started trials it cut short are KILLED.</summary>
    void SweepEnded(SweepStatus sweep, ParetoResult pareto);
}
