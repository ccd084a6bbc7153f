namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>A trial as the sweep knows it: its config, state, where it ran, its stage and its result.</summary>
[GenerateSerializer, Immutable, Alias("fq.TrialStatus")]
public sealed record TrialStatus(
    [property: Id(0)] string TrialId,
    [property: Id(1)] int Index,
    [property: Id(2)] TrialState State,
    [property: Id(3)] string? Silo,
    [property: Id(4)] TrialConfig Config,
    [property: Id(5)] string? Stage,
    [property: Id(6)] double StageFraction,
    [property: Id(7)] TrialResult? Result,
    [property: Id(8)] DateTimeOffset? StartedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] string? Error,
    [property: Id(11)] int Attempts);

/// <summary>A sweep's whole status.</summary>
[GenerateSerializer, Immutable, Alias("fq.SweepStatus")]
public sealed record SweepStatus(
    [property: Id(0)] string SweepId,
    [property: Id(1)] SweepState State,
    [property: Id(2)] SweepSpec Spec,
    [property: Id(3)] IReadOnlyList<TrialStatus> Trials,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? FinishedAt);

/// <summary>The non-dominated trials (best first) and the hypervolume against the dense baseline.</summary>
[GenerateSerializer, Immutable, Alias("fq.ParetoResult")]
public sealed record ParetoResult(
    [property: Id(0)] IReadOnlyList<TrialStatus> Front,
    [property: Id(1)] IReadOnlyList<TrialStatus> All,
    [property: Id(2)] double Hypervolume,
    [property: Id(3)] double ReferenceCompressionRatio,
    [property: Id(4)] double ReferenceTop1);
