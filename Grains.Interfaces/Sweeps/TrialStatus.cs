namespace FocusedQuantization.Grains.Interfaces.Sweeps;

/// <summary>
/// The figures of a finished trial the sweep keeps (its row), the front and the constraint read: a few numbers, no
/// per-layer or per-epoch detail (that stays with the trial grain, <see cref="ITrialGrain.GetResult"/>). Accuracies in
/// percent; validation figures are NaN for results from before validation splits.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.TrialSummary")]
public sealed record TrialSummary(
    [property: Id(0)] double CompressionRatio,
    [property: Id(1)] double Top1,
    [property: Id(2)] double Top5,
    [property: Id(3)] double Top1Dense,
    [property: Id(4)] double Top5Dense,
    [property: Id(5)] double ValidationTop1,
    [property: Id(6)] double ValidationTop5,
    [property: Id(7)] double ValidationTop1Dense,
    [property: Id(8)] double Sparsity,
    [property: Id(9)] long CompressedBytes,
    [property: Id(10)] long DenseBytes,
    [property: Id(11)] int Recoveries)
{
    /// <summary>Rung evaluations (validation and test top-1 after chosen fine-tuning epochs) of an early-stopping sweep's trial; empty otherwise.</summary>
    [Id(12)] public IReadOnlyList<RungOutcome> Rungs { get; init; } = [];

    /// <summary>The compression ratio known before fine-tuning (from the size estimated then); NaN when not known.</summary>
    [Id(13)] public double EstimatedCompressionRatio { get; init; } = double.NaN;

    /// <summary>Fine-tuning epochs this trial trained (fewer than <see cref="ScheduleEpochs"/> when stopped early); 0 when not known.</summary>
    [Id(14)] public int EpochsRun { get; init; }

    /// <summary>Fine-tuning epochs of the trial's whole schedule; 0 when not known.</summary>
    [Id(15)] public int ScheduleEpochs { get; init; }

    /// <summary>The top-1 that choices are made on: validation when known, else test (see <see cref="TrialResult.SelectionTop1"/>).</summary>
    public double SelectionTop1 => double.IsFinite(ValidationTop1) ? ValidationTop1 : Top1;

    /// <summary>The dense top-1 that choices are measured from, on the same images as <see cref="SelectionTop1"/>.</summary>
    public double SelectionTop1Dense => double.IsFinite(ValidationTop1) ? ValidationTop1Dense : Top1Dense;

    /// <summary>
    /// The figure an objective names: the compression ratio, validation top-1 or top-5 (test top-5 for results from
    /// before validation splits) or the .fqz size in bytes.
    /// </summary>
    public double Objective(ObjectiveMetric metric) => metric switch
    {
        ObjectiveMetric.Cr => CompressionRatio,
        ObjectiveMetric.Top1 => SelectionTop1,
        ObjectiveMetric.Top5 => double.IsFinite(ValidationTop5) ? ValidationTop5 : Top5,
        ObjectiveMetric.CompressedBytes => CompressedBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown objective metric."),
    };

    /// <summary>The summary of a full result.</summary>
    public static TrialSummary Of(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.CompressionRatio, result.Top1, result.Top5, result.Top1Dense, result.Top5Dense, result.ValidationTop1,
            result.ValidationTop5, result.ValidationTop1Dense, result.Sparsity, result.CompressedBytes, result.DenseBytes, result.Recoveries.Count)
        {
            Rungs = result.Rungs,
            EstimatedCompressionRatio = result.EstimatedCompressionRatio,
            EpochsRun = result.PausedAtEpoch ?? result.ScheduleEpochs,
            ScheduleEpochs = result.ScheduleEpochs,
        };
    }
}

/// <summary>
/// What a trial tells its sweep when it has an outcome (and what <see cref="ITrialGrain.Start"/> returns once it has
/// one): its final state, the summary figures (completed only), the error (failed only), where and how often it ran.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.TrialOutcome")]
public sealed record TrialOutcome(
    [property: Id(0)] string TrialId,
    [property: Id(1)] int Index,
    [property: Id(2)] TrialState State,
    [property: Id(3)] TrialSummary? Summary,
    [property: Id(4)] string? Error,
    [property: Id(5)] string Silo,
    [property: Id(6)] int Attempts,
    [property: Id(7)] DateTimeOffset? StartedAt,
    [property: Id(8)] DateTimeOffset FinishedAt);

/// <summary>
/// A trial as the sweep knows it (its row): config (null for a pending trial of an adaptive sweep, whose config is chosen
/// when it starts), state, where it ran, its live stage while running, and the summary
/// figures once completed. <see cref="Error"/> is cut to <see cref="MaxError"/> characters.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.TrialStatus")]
public sealed record TrialStatus(
    [property: Id(0)] string TrialId,
    [property: Id(1)] int Index,
    [property: Id(2)] TrialState State,
    [property: Id(3)] string? Silo,
    [property: Id(4)] TrialConfig? Config,
    [property: Id(5)] string? Stage,
    [property: Id(6)] double StageFraction,
    [property: Id(7)] TrialSummary? Summary,
    [property: Id(8)] DateTimeOffset? StartedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] string? Error,
    [property: Id(11)] int Attempts)
{
    /// <summary>The longest error a row keeps; the trial grain keeps the whole text.</summary>
    public const int MaxError = 500;

    /// <summary>Why an early-stopping sweep stopped this trial (state <see cref="TrialState.Stopped"/>), else null.</summary>
    [Id(12)] public string? StopReason { get; init; }

    /// <summary>
    /// The rung an early-stopping sweep had stopped this trial at before it resumed it to the end of its schedule, once
    /// every trial had settled (a late promotion); null for any other trial.
    /// </summary>
    [Id(13)] public RungPosition? ResumedLateFrom { get; init; }

    /// <summary>
    /// How an early-stopping sweep let the trial go on, in short: "resumed late from rung 1/3 (epoch 1/8)" after a late
    /// promotion; "passed rungs at epochs 1, 3" for a trial let go on at each rung it reached before the last epoch it
    /// ran; null when it passed none (or the sweep has no early stopping).
    /// </summary>
    public string? Promotion => ResumedLateFrom is { } late
        ? "resumed late from " + late.Describe()
        : Summary is { } summary && summary.Rungs.Select(r => r.Epoch).Where(e => e < summary.EpochsRun).ToArray() is { Length: > 0 } passed
            ? RungPosition.Passed(passed)
            : null;

    /// <summary>Whether the trial has an outcome (completed, failed or cancelled).</summary>
    public bool IsFinished => State is TrialState.Completed or TrialState.Failed or TrialState.Cancelled or TrialState.Stopped;

    /// <summary>An error cut to <see cref="MaxError"/> characters.</summary>
    public static string? Clip(string? error) => error is { Length: > MaxError } ? error[..(MaxError - 1)] + "…" : error;
}

/// <summary>How many trials of a sweep are in each state.</summary>
[GenerateSerializer, Immutable, Alias("fq.TrialCounts")]
public sealed record TrialCounts(
    [property: Id(0)] int Pending,
    [property: Id(1)] int Running,
    [property: Id(2)] int Completed,
    [property: Id(3)] int Failed,
    [property: Id(4)] int Cancelled)
{
    /// <summary>Trials stopped early (see <see cref="TrialState.Stopped"/>).</summary>
    [Id(5)] public int Stopped { get; init; }

    /// <summary>Every trial of the sweep.</summary>
    public int Total => Pending + Running + Completed + Failed + Cancelled + Stopped;

    /// <summary>Trials with an outcome (stopped ones included).</summary>
    public int Finished => Completed + Failed + Cancelled + Stopped;

    /// <summary>The count of one state.</summary>
    public int Of(TrialState state) => state switch
    {
        TrialState.Pending => Pending,
        TrialState.Running => Running,
        TrialState.Completed => Completed,
        TrialState.Failed => Failed,
        TrialState.Cancelled => Cancelled,
        TrialState.Stopped => Stopped,
        _ => 0,
    };
}

/// <summary>
/// A sweep's status, bounded whatever its size: the header, the counts per state, the running trials (with their live
/// stage) and the current front (under the spec's top-1 constraint). Every trial is paged with
/// <see cref="ISweepGrain.GetTrials"/>. <see cref="Version"/> grows with every change (see <see cref="ISweepGrain.Watch"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.SweepStatus")]
public sealed record SweepStatus(
    [property: Id(0)] string SweepId,
    [property: Id(1)] SweepState State,
    [property: Id(2)] SweepSpec Spec,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset? FinishedAt,
    [property: Id(5)] TrialCounts Counts,
    [property: Id(6)] IReadOnlyList<TrialStatus> Running,
    [property: Id(7)] IReadOnlyList<TrialStatus> Front,
    [property: Id(8)] long Version);

/// <summary>A page of a sweep's trials in index order, and how many trials match the filter in all.</summary>
[GenerateSerializer, Immutable, Alias("fq.TrialPage")]
public sealed record TrialPage(
    [property: Id(0)] IReadOnlyList<TrialStatus> Trials,
    [property: Id(1)] int Offset,
    [property: Id(2)] int Total);

/// <summary>
/// The non-dominated completed trials (best first), the hypervolume against the reference point, and how many trials
/// the sweep has (<see cref="Trials"/>) and how many completed (<see cref="Completed"/>). The other trials are paged
/// with <see cref="ISweepGrain.GetTrials"/>, not shipped here.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.ParetoResult")]
public sealed record ParetoResult(
    [property: Id(0)] IReadOnlyList<TrialStatus> Front,
    [property: Id(1)] int Trials,
    [property: Id(2)] int Completed,
    [property: Id(3)] double Hypervolume,
    [property: Id(4)] double ReferenceCompressionRatio,
    [property: Id(5)] double ReferenceTop1);

/// <summary>
/// One change of a sweep, as <see cref="ISweepGrain.Watch"/> pushes it. <see cref="Snapshot"/> is set on the first
/// update of a watch that is further behind than the sweep remembers (the watcher starts over from it); otherwise
/// <see cref="Trial"/> is the row that changed (state, silo or stage), or null when only the sweep's state changed.
/// <see cref="Front"/> is the front whenever it changed, else null. <see cref="Counts"/> and <see cref="State"/> are
/// always the sweep's as of <see cref="Version"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("fq.SweepUpdate")]
public sealed record SweepUpdate(
    [property: Id(0)] long Version,
    [property: Id(1)] SweepState State,
    [property: Id(2)] TrialCounts Counts,
    [property: Id(3)] TrialStatus? Trial,
    [property: Id(4)] IReadOnlyList<TrialStatus>? Front,
    [property: Id(5)] SweepStatus? Snapshot);
