using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>Tracking turned off: every call does nothing. Registered unless <see cref="TrackingServiceCollectionExtensions.AddFqTracking"/> is.</summary>
public sealed class NoSweepTracking : ISweepTracking, ITrialTracking
{
    public Task SweepLaunched(string sweepId, SweepSpec spec, DateTimeOffset createdAt) => Task.CompletedTask;

    public Task ParetoChanged(string sweepId, SweepSpec spec, IReadOnlyList<KeyValuePair<string, bool>> changes) => Task.CompletedTask;

    public Task SweepEnded(string sweepId, SweepSpec spec, SweepState state, DateTimeOffset? finishedAt, TrialCounts counts, double hypervolume,
        IReadOnlyList<string> cutShort) => Task.CompletedTask;

    public Task TrialRung(string sweepId, SweepSpec spec, string trialId, int rung, string? stopReason, string? promotion) => Task.CompletedTask;

    public Task TrialStarted(TrialRunInfo run) => Task.CompletedTask;

    public Task TrialEnded(TrialRunInfo run, TrialState state, TrialResult? result, string? error, string silo, DateTimeOffset finishedAt) =>
        Task.CompletedTask;
}
