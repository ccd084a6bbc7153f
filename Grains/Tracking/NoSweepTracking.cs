using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Tracking;

/// <summary>Tracking turned off: every call does nothing.</summary>
public sealed class NoSweepTracking : ISweepTracking
{
    /// <summary>The one instance.</summary>
    public static NoSweepTracking Instance { get; } = new();

    /// <inheritdoc />
    public void SweepLaunched(SweepStatus sweep)
    {
    }

    /// <inheritdoc />
    public void TrialStarted(SweepStatus sweep, string trialId)
    {
    }

    /// <inheritdoc />
    public void TrialEnded(SweepStatus sweep, string trialId, ParetoResult pareto)
    {
    }

    /// <inheritdoc />
    public void SweepEnded(SweepStatus sweep, ParetoResult pareto)
    {
    }
}
