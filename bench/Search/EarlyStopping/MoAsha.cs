using FocusedQuantization.Benchmarks.Search.Problems;
using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search.EarlyStopping;

/// <summary>How the replay stops trials early: rungs at MinFraction, MinFraction x Eta, ... of E, and Workers trials at a time.</summary>
public sealed record AshaOptions(int Eta, double MinFraction, int Workers);

/// <summary>One seed of the replay, against the same sampler and seed running every trial to E.</summary>
public sealed record AshaRun(
    int Seed,
    double Hypervolume,
    double FullHypervolume,
    double EqualEpochsHypervolume,
    long Epochs,
    long FullEpochs,
    int Completed,
    IReadOnlyList<int> StoppedAt);

/// <summary>
/// Multi-objective asynchronous successive halving (MO-ASHA, Schmucker et al. 2021) replayed on the tabular benchmark.
/// A trial's budget is fine-tuning epochs. Whenever a worker is free it promotes, from the highest rung down, a paused
/// trial that ranks in the top 1/Eta of all trials that reached its rung, resuming it from its checkpoint (it costs only
/// the epochs between the rungs); if there is none, it starts a new trial asked from the sampler. At rung e a trial is
/// known by (the compression ratio from its estimated bytes, which is known before fine-tuning, and val_top1@e), ranked
/// by non-dominated sorting with crowding distance breaking ties in the last front. Only trials that reach E count on
/// the front, with their final (cr, val_top1). Time is counted in epochs (every epoch of every configuration costs
/// one); ties go to the lower worker, then the lower trial number, so a replay is a function of the seed.
/// A failed configuration fails at its first rung, in the replay and in the full-budget run alike.
/// </summary>
public static class MoAsha
{
    /// <summary>The rungs in epochs: round(E x MinFraction x Eta^k) (at least 1, each larger than the one before) below E, then E.</summary>
    public static int[] Rungs(int fullEpochs, int eta, double minFraction)
    {
        var rungs = new List<int>();
        for (var fraction = minFraction; fraction < 1 && rungs.Count < 64; fraction *= eta)
        {
            var epochs = Math.Max(1, (int)Math.Round(fraction * fullEpochs));
            if (epochs < fullEpochs && (rungs.Count == 0 || epochs > rungs[^1])) rungs.Add(epochs);
        }
        rungs.Add(fullEpochs);
        return [.. rungs];
    }

    public static AshaRun Replay(TabularProblem problem, string sampler, int seed, int trials, AshaOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        var data = problem.Data;
        var rungs = Rungs(data.FullEpochs, options.Eta, options.MinFraction);
        var top = rungs.Length - 1;
        var instance = SamplerCatalog.Fq[sampler](seed);
        var started = new List<Trial>();
        var busy = new (long Until, Trial? Trial, int ToRung)[options.Workers];
        long epochs = 0;

        // The values a trial is known by at a rung: minimized (-estimated cr, -val_top1@e).
        double[] At(Trial trial, int rung) => [-data.EstimatedCr(trial.Row), -trial.Row.ValTop1At[rungs[rung] - 1]];

        (Trial, int)? NextJob()
        {
            for (var k = top - 1; k >= 0; k--)
            {
                var reached = started.Where(t => t.Rung >= k && !t.Failed).ToList();
                var quota = reached.Count / options.Eta;
                if (quota == 0) continue;
                foreach (var index in Ranking.Top([.. reached.Select(t => At(t, k))], quota))
                    if (reached[index] is { Running: false } candidate && candidate.Rung == k) return (candidate, k + 1);
            }
            if (started.Count >= trials) return null;
            var point = instance.Ask(problem.Space, [.. started.Select(t => t.Observation(rungs, top, At))], started.Count);
            var trial = new Trial(started.Count, point, data.Rows[problem.RowOf(point)]);
            started.Add(trial);
            return (trial, 0);
        }

        void Assign(long now)
        {
            for (var w = 0; w < busy.Length; w++)
            {
                if (busy[w].Trial is not null || NextJob() is not { } job) continue;
                var (trial, to) = job;
                trial.Running = true;
                var cost = trial.Row.Completed ? rungs[to] - (to == 0 ? 0 : rungs[to - 1]) : rungs[0];
                epochs += cost;
                busy[w] = (now + cost, trial, to);
            }
        }

        Assign(0);
        while (busy.Any(b => b.Trial is not null))
        {
            var w = Enumerable.Range(0, busy.Length).Where(i => busy[i].Trial is not null).MinBy(i => (busy[i].Until, i));
            var (now, trial, to) = busy[w];
            busy[w] = (now, null, 0);
            trial!.Running = false;
            if (trial.Row.Completed) trial.Rung = to;
            else trial.Failed = true;
            Assign(now);
        }

        var front = started.Where(t => t.Rung == top).Select(t => TabularProblem.ObjectivesOf(t.Row)!).ToList();
        var full = FqRun.Run(problem, sampler, seed, trials);
        var fullCurve = HypervolumeCurve.Of(full.Values, problem.Reference);
        long FullCost(double[]? values) => values is null ? rungs[0] : data.FullEpochs;
        var fullEpochs = full.Values.Sum(FullCost);
        // The full-budget run's front when it stops at the epochs the replay used.
        long spent = 0;
        var equal = 0;
        while (equal < full.Values.Count && spent + FullCost(full.Values[equal]) <= epochs) spent += FullCost(full.Values[equal++]);
        return new AshaRun(
            seed,
            HypervolumeCurve.Of([.. front], problem.Reference) is { Length: > 0 } curve ? curve[^1] : 0,
            fullCurve[^1],
            equal == 0 ? 0 : fullCurve[equal - 1],
            epochs,
            fullEpochs,
            front.Count,
            [.. Enumerable.Range(0, rungs.Length).Select(k => started.Count(t => !t.Failed && t.Rung == k))]);
    }

    private sealed class Trial(int number, Point point, TabularRow row)
    {
        public int Number { get; } = number;

        public Point Point { get; } = point;

        public TabularRow Row { get; } = row;

        /// <summary>The highest rung finished (-1: none yet).</summary>
        public int Rung { get; set; } = -1;

        public bool Running { get; set; }

        public bool Failed { get; set; }

        /// <summary>The trial as the sampler sees it: complete at E, stopped (paused) with its rung's values, running, or failed.</summary>
        public Observation Observation(int[] rungs, int top, Func<Trial, int, double[]> at) =>
            Failed ? new Observation(Number, Point, ObservationState.Failed)
            : Rung == top ? new Observation(Number, Point, ObservationState.Complete, TabularProblem.ObjectivesOf(Row))
            : Running || Rung < 0 ? new Observation(Number, Point, ObservationState.Running)
            : new Observation(Number, Point, ObservationState.Stopped, at(this, Rung));
    }
}
