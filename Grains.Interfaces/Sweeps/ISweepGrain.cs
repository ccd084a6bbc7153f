using Orleans.Concurrency;

namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>
/// A sweep, keyed by its id: expands the spec into trials, runs them under the concurrency limit, keeps every
/// outcome, answers status and Pareto queries. Survives silo deaths: its state is persistent and a reminder resumes it.
/// </summary>
[Alias("fq.ISweepGrain")]
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Accepts the spec and starts the sweep; launching the same id again returns its status.</summary>
    [Alias("Launch")]
    Task<SweepStatus> Launch(SweepSpec spec);

    /// <summary>The sweep and every trial.</summary>
    [AlwaysInterleave, Alias("GetStatus")]
    Task<SweepStatus> GetStatus();

    /// <summary>Stops the sweep: pending trials are cancelled, running ones are told to stop.</summary>
    [AlwaysInterleave, Alias("Cancel")]
    Task Cancel();

    /// <summary>The non-dominated completed trials (CR against top-1), optionally within a top-1 drop from dense.</summary>
    [AlwaysInterleave, Alias("GetPareto")]
    Task<ParetoResult> GetPareto(double? maxTop1Drop);

    /// <summary>A running trial's stage progress (best effort).</summary>
    [AlwaysInterleave, OneWay, Alias("ReportProgress")]
    Task ReportProgress(string trialId, string stage, double fraction, string silo);

    /// <summary>A trial's outcome; recorded once whatever how often it is reported.</summary>
    [AlwaysInterleave, Alias("ReportOutcome")]
    Task ReportOutcome(string trialId, TrialState state, TrialResult? result, string? error, string silo);
}
