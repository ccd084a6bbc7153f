using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>What a sweep persists: its spec and every trial's record.</summary>
[GenerateSerializer, Alias("fq.SweepGrainState")]
public sealed class SweepGrainState
{
    [Id(0)] public SweepSpec? Spec { get; set; }
    [Id(1)] public SweepState State { get; set; }
    [Id(2)] public List<TrialStatus> Trials { get; set; } = [];
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>W3C traceparent of the sweep's span: trials started later (timer ticks, after restarts) start under it.</summary>
    [Id(5)] public string? TraceParent { get; set; }
}
