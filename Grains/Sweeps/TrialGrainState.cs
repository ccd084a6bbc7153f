using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// What a trial persists once it has an outcome (written before it reports it, so a lost report is answered from here
/// by the next Start): the outcome with its full detail, and what it needs to log and re-report it.
/// </summary>
[GenerateSerializer, Alias("fq.TrialGrainState")]
public sealed class TrialGrainState
{
    [Id(0)] public string? SweepId { get; set; }
    [Id(1)] public TrialConfig? Config { get; set; }
    [Id(2)] public TrialState State { get; set; }
    [Id(3)] public TrialResult? Result { get; set; }
    [Id(4)] public string? Error { get; set; }
    [Id(5)] public int Attempts { get; set; }
    [Id(6)] public string? Silo { get; set; }
    [Id(7)] public List<string> LayerSilos { get; set; } = [];
    [Id(8)] public string? SweepName { get; set; }
    [Id(9)] public int Index { get; set; }
    [Id(10)] public DateTimeOffset? StartedAt { get; set; }
    [Id(11)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>
    /// Paused checkpoints of this trial that nothing will resume from (it went on from them, finished, or its sweep ended),
    /// to delete. Deleted only once this list is durable, and kept until they are: a crash in between leaves them for the
    /// next <see cref="ITrialGrain.ReleaseCheckpoints"/>.
    /// </summary>
    [Id(12)] public List<string> Discard { get; set; } = [];
}
