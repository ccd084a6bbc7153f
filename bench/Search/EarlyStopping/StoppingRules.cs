using FocusedQuantization.Benchmarks.Search.Problems;
using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search.EarlyStopping;

/// <summary>A rule the replay can stop trials by: a decision at a rung against settled peers, and late promotions once all have settled.</summary>
public interface IStoppingRule
{
    /// <summary>A trial at a rung as a sweep knows it: (-cr from the estimated bytes, -val_top1 at the rung's epoch).</summary>
    RungResult At(ReplayTrial trial, int rung);

    bool GoesOn(ReplayTrial trial, int rung, IReadOnlyList<ReplayTrial> settledPeers);

    IReadOnlyList<int> LatePromotions(IReadOnlyList<ReplayTrial> settled);
}

public static class StoppingRules
{
    /// <summary>The rules --early-stopping knows.</summary>
    public static readonly IReadOnlyList<string> Names = ["mo-asha", "hopeless", "mo-asha-hopeless"];

    public static IStoppingRule For(StoppingOptions options, TabularData data, RungSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Rule switch
        {
            StoppingOptions.None => new NoStopping(data, schedule),
            "mo-asha" => new MoAshaRule(data, schedule, options.Eta),
            "hopeless" => new HopelessRule(data, schedule),
            "mo-asha-hopeless" => new EitherStops(new MoAshaRule(data, schedule, options.Eta), new HopelessRule(data, schedule)),
            var other => throw new ArgumentException($"unknown early-stopping rule '{other}' (known: {string.Join(", ", Names)})"),
        };
    }
}

/// <summary>What every rule shares: a trial's figures at a rung.</summary>
public abstract class RungFigures(TabularData data, RungSchedule schedule) : IStoppingRule
{
    protected RungSchedule Schedule { get; } = schedule;

    public RungResult At(ReplayTrial trial, int rung)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return new RungResult(trial.Number, [-data.EstimatedCr(trial.Row), -trial.Row.ValTop1At[Schedule.Epochs[rung] - 1]]);
    }

    /// <summary>Settled trials with figures (completed or stopped) that reached <paramref name="rung"/>, at it.</summary>
    protected IReadOnlyList<RungResult> AtRung(IEnumerable<ReplayTrial> trials, int rung) =>
        [.. trials.Where(t => t.State is ObservationState.Complete or ObservationState.Stopped && t.Reached >= rung).Select(t => At(t, rung))];

    public abstract bool GoesOn(ReplayTrial trial, int rung, IReadOnlyList<ReplayTrial> settledPeers);

    public abstract IReadOnlyList<int> LatePromotions(IReadOnlyList<ReplayTrial> settled);
}

/// <summary>Every trial runs to E: the full-budget sweep.</summary>
public sealed class NoStopping(TabularData data, RungSchedule schedule) : RungFigures(data, schedule)
{
    public override bool GoesOn(ReplayTrial trial, int rung, IReadOnlyList<ReplayTrial> settledPeers) => true;

    public override IReadOnlyList<int> LatePromotions(IReadOnlyList<ReplayTrial> settled) => [];
}

/// <summary>The product's rule: Search's MultiObjectiveAsha, fed as SweepEarlyStopping feeds it.</summary>
public sealed class MoAshaRule(TabularData data, RungSchedule schedule, int eta) : RungFigures(data, schedule)
{
    private readonly MultiObjectiveAsha _asha = new(eta);

    public override bool GoesOn(ReplayTrial trial, int rung, IReadOnlyList<ReplayTrial> settledPeers) =>
        _asha.Judge(At(trial, rung), AtRung(settledPeers, rung)).GoesOn;

    public override IReadOnlyList<int> LatePromotions(IReadOnlyList<ReplayTrial> settled) =>
        _asha.LatePromotions([.. settled.Where(t => t.State is ObservationState.Complete or ObservationState.Stopped)
            .Select(t => new RungHistory(t.Number, [.. Enumerable.Range(0, Schedule.Epochs.Count).Select(r => r <= t.Reached ? At(t, r) : null)], t.State == ObservationState.Stopped))]);
}

/// <summary>
/// Stops a trial only when it cannot reach the front: each objective moved from its rung value by the most any completed
/// peer's moved from that rung to its end, it is still dominated by a completed peer's final values (Search's
/// EarlyStopping.IsHopeless). Late promotions: stopped trials that are no longer hopeless against every completed trial.
/// </summary>
public sealed class HopelessRule(TabularData data, RungSchedule schedule) : RungFigures(data, schedule)
{
    public override bool GoesOn(ReplayTrial trial, int rung, IReadOnlyList<ReplayTrial> settledPeers) => !Hopeless(trial, rung, settledPeers);

    public override IReadOnlyList<int> LatePromotions(IReadOnlyList<ReplayTrial> settled) =>
        [.. settled.Where(t => t.State == ObservationState.Stopped && !Hopeless(t, t.Reached, settled)).Select(t => t.Number)];

    private bool Hopeless(ReplayTrial trial, int rung, IReadOnlyList<ReplayTrial> peers) =>
        HopelessTrials.IsHopeless(At(trial, rung).Values,
            [.. peers.Where(p => p.State == ObservationState.Complete).Select(p => new RungAndFinal(At(p, rung).Values, TabularProblem.ObjectivesOf(p.Row)!))]);
}

/// <summary>Two rules together: a trial goes on only when both let it; a late promotion needs both.</summary>
public sealed class EitherStops(IStoppingRule first, IStoppingRule second) : IStoppingRule
{
    public RungResult At(ReplayTrial trial, int rung) => first.At(trial, rung);

    public bool GoesOn(ReplayTrial trial, int rung, IReadOnlyList<ReplayTrial> settledPeers) =>
        first.GoesOn(trial, rung, settledPeers) && second.GoesOn(trial, rung, settledPeers);

    public IReadOnlyList<int> LatePromotions(IReadOnlyList<ReplayTrial> settled) => [.. first.LatePromotions(settled).Intersect(second.LatePromotions(settled))];
}
