namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>Where a trial is in its life.</summary>
[GenerateSerializer, Alias("fq.TrialState")]
public enum TrialState
{
    Pending = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
    Cancelled = 4,

    /// <summary>
    /// Stopped early at a rung of its fine-tuning (paused with a checkpoint): an early-stopping sweep may still resume
    /// it; once the sweep has ended it stays stopped. Never on the front.
    /// </summary>
    Stopped = 5,
}

/// <summary>Where a sweep is in its life.</summary>
[GenerateSerializer, Alias("fq.SweepState")]
public enum SweepState
{
    Running = 0,
    Completed = 1,
    Cancelled = 2,
    Failed = 3,
}
