using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Grains.Sweeps;

/// <summary>
/// A sweep's header, the one state written as a whole: spec, state and times. Written at launch and when the sweep ends;
/// never per trial. The trials' rows are in pages (<see cref="SweepRowPage"/>); pending trials have none (they are the
/// spec's expansion).
/// </summary>
[GenerateSerializer, Alias("fq.SweepGrainState")]
public sealed class SweepGrainState
{
    [Id(0)] public SweepSpec? Spec { get; set; }
    [Id(1)] public SweepState State { get; set; }
    // Id 2 held every trial's status (with full results) before rows moved to pages; not reused.
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>W3C traceparent of the sweep's span: trials started later (timer ticks, after restarts) start under it.</summary>
    [Id(5)] public string? TraceParent { get; set; }

    /// <summary>How many trials the spec expands to (the pages to read on activation follow from it).</summary>
    [Id(6)] public int TrialCount { get; set; }

    /// <summary>
    /// The stopped trials of the late promotion under way (early stopping), written before they are resumed: a sweep that
    /// comes back mid-batch resumes the same ones rather than deciding again with the figures of those that finished
    /// meanwhile, which an uninterrupted sweep would only see once the whole batch has.
    /// </summary>
    [Id(7)] public List<int> LatePromoted { get; set; } = [];
}

/// <summary>
/// The rows of up to <see cref="Size"/> consecutive trials with an outcome, stored under the sweep's grain id as state
/// "sweep-rows-{page}": recording an outcome rewrites one page, whatever the sweep's size.
/// </summary>
[GenerateSerializer, Alias("fq.SweepRowPage")]
public sealed class SweepRowPage
{
    /// <summary>Trials per page.</summary>
    public const int Size = 64;

    [Id(0)] public List<TrialStatus> Rows { get; set; } = [];

    /// <summary>The state name of a page.</summary>
    public static string StateName(int page) => "sweep-rows-" + page.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
