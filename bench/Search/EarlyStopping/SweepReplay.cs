using FocusedQuantization.Benchmarks.Search.Problems;
using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search.EarlyStopping;

/// <summary>
/// How the replay stops trials. Rule: <c>mo-asha</c> (the product's, Grains/Sweeps/SweepEarlyStopping), <c>hopeless</c>
/// (see <see cref="HopelessRule"/>), or <c>none</c> (every trial runs to E: the full-budget run). Rungs: the epochs
/// asked for (--rungs), else <see cref="RungSchedule.Geometric"/> as a sweep makes them. Workers: the sweep's
/// concurrency; Lag: trial k waits for 0..k-Lag-1 to settle (default Workers, as a sweep).
/// </summary>
public sealed record StoppingOptions(string Rule, int Eta, double MinFraction, int Workers, int? Lag = null, IReadOnlyList<int>? RungEpochs = null)
{
    public const string None = "none";

    public int EffectiveLag => Lag ?? Workers;

    public RungSchedule Schedule(int fullEpochs) => Rule == None
        ? new RungSchedule([fullEpochs])
        : RungEpochs is { } asked ? RungSchedule.Explicit(fullEpochs, asked)
        : RungSchedule.Geometric(fullEpochs, Eta, MinFraction);

    public StoppingOptions FullBudget => this with { Rule = None };
}

/// <summary>One seed of a replayed sweep: every trial as it ended, the epochs spent and the simulated time it took.</summary>
public sealed record ReplayRun(
    int Seed,
    RungSchedule Schedule,
    IReadOnlyList<ReplayTrial> Trials,
    long Epochs,
    long Makespan,
    int LatePromotions)
{
    /// <summary>The (cr, val_top1) of the trials that ran to E, minimized: the only ones a sweep's front counts.</summary>
    public IReadOnlyList<double[]> Front => [.. Trials.Where(t => t.State == ObservationState.Complete).Select(t => TabularProblem.ObjectivesOf(t.Row)!)];

    /// <summary>Per trial in number order: its final objectives when it ran to E, else null.</summary>
    public IReadOnlyList<double[]?> Values => [.. Trials.Select(t => t.State == ObservationState.Complete ? TabularProblem.ObjectivesOf(t.Row) : null)];

    /// <summary>How many trials ended at each rung (stopped there, or completed at the last), failed ones left out.</summary>
    public int[] EndedAt => [.. Enumerable.Range(0, Schedule.Epochs.Count).Select(r => Trials.Count(t => t.State != ObservationState.Failed && t.Reached == r))];
}

/// <summary>A trial of the replay: the recorded row its point stands for, the last rung it reached, how it ended.</summary>
public sealed class ReplayTrial(int number, Point point, TabularRow row)
{
    public int Number { get; } = number;

    public Point Point { get; } = point;

    public TabularRow Row { get; } = row;

    /// <summary>The last rung reached (-1: none yet).</summary>
    public int Reached { get; internal set; } = -1;

    /// <summary>Running while it runs, then Complete, Stopped or Failed (settled).</summary>
    public ObservationState State { get; internal set; } = ObservationState.Running;

    public bool Settled => State != ObservationState.Running;

    internal int Target { get; set; }

    internal long Until { get; set; }
}

/// <summary>
/// A sweep with early stopping replayed on the tabular benchmark, by the product's rule (Grains/Sweeps/SweepGrain.cs and
/// SweepEarlyStopping.cs) on a simulated clock where an epoch of fine-tuning takes one unit:
/// <list type="bullet">
/// <item>at most Workers trials run at once; trial k starts only when 0..k-Lag-1 have settled (completed, stopped or
/// failed), and is asked of the sampler with those as outcomes and k-Lag..k-1 as running points (TrialSource);</item>
/// <item>a trial pauses at each rung and is judged at once against the settled trials 0..k-Lag-1 that reached that
/// rung, on (cr from the size estimated before fine-tuning, val_top1 at the rung); going on keeps its slot;</item>
/// <item>once every trial has settled, the rule's late promotions resume stopped trials to E (taking free slots),
/// again until there are none.</item>
/// </list>
/// Since every decision depends on settled trials only, the outcome is a function of the seed, not of the clock; the
/// clock gives the wall time (makespan) the slots and the lag cost. A failed row fails at its first rung. A point that
/// maps to a row already run is a trial like any other (a real sweep runs the configuration again): it costs its epochs
/// and adds nothing to the front.
/// </summary>
public static class SweepReplay
{
    public static ReplayRun Run(TabularProblem problem, string sampler, int seed, int trials, StoppingOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        var data = problem.Data;
        var schedule = options.Schedule(data.FullEpochs);
        var rungs = schedule.Epochs;
        var last = rungs.Count - 1;
        var lag = options.EffectiveLag;
        var instance = SamplerCatalog.Fq[sampler](seed);
        var rule = StoppingRules.For(options, data, schedule);
        var all = new List<ReplayTrial>(trials);
        var resume = new SortedSet<int>();
        long now = 0, epochs = 0;
        var late = 0;

        // What the sampler knows of trial j when asked for a later one (TrialSource.Observe).
        Observation Observe(ReplayTrial t) => t.State switch
        {
            ObservationState.Complete => new Observation(t.Number, t.Point, ObservationState.Complete, TabularProblem.ObjectivesOf(t.Row)),
            ObservationState.Stopped => new Observation(t.Number, t.Point, ObservationState.Stopped, rule.At(t, t.Reached).Values),
            _ => new Observation(t.Number, t.Point, t.State),
        };

        bool SettledBefore(int count) => all.Take(count).All(t => t.Settled);

        void RunTo(ReplayTrial t, int target)
        {
            var from = t.Reached < 0 ? 0 : rungs[t.Reached];
            var cost = t.Row.Completed ? rungs[target] - from : rungs[0];
            t.State = ObservationState.Running;
            t.Target = target;
            t.Until = now + cost;
            epochs += cost;
        }

        int RunningCount() => all.Count(t => t.State == ObservationState.Running);

        void Schedule()
        {
            while (true)
            {
                while (all.Count < trials && RunningCount() < options.Workers && SettledBefore(all.Count - lag))
                {
                    var k = all.Count;
                    var history = all.Select(t => t.Number < k - lag ? Observe(t) : new Observation(t.Number, t.Point, ObservationState.Running)).ToList();
                    var point = instance.Ask(problem.Space, history, k);
                    var trial = new ReplayTrial(k, point, data.Rows[problem.RowOf(point)]);
                    all.Add(trial);
                    RunTo(trial, 0);
                }
                while (resume.Count > 0 && RunningCount() < options.Workers)
                {
                    var t = all[resume.Min];
                    resume.Remove(t.Number);
                    late++;
                    RunTo(t, last);
                }
                if (all.Count < trials || resume.Count > 0 || all.Any(t => !t.Settled)) return;
                var promotions = rule.LatePromotions(all);
                if (promotions.Count == 0) return;
                foreach (var number in promotions) resume.Add(number);
            }
        }

        Schedule();
        while (all.FirstOrDefault(t => t.State == ObservationState.Running) is not null)
        {
            var t = all.Where(t => t.State == ObservationState.Running).MinBy(t => (t.Until, t.Number))!;
            now = t.Until;
            if (!t.Row.Completed)
            {
                t.State = ObservationState.Failed;
            }
            else
            {
                t.Reached = t.Target;
                if (t.Reached == last) t.State = ObservationState.Complete;
                else if (rule.GoesOn(t, t.Reached, [.. all.Where(p => p.Number < t.Number - lag && p.Settled)])) RunTo(t, t.Reached + 1);
                else t.State = ObservationState.Stopped;
            }
            Schedule();
        }
        return new ReplayRun(seed, schedule, all, epochs, now, late);
    }
}
