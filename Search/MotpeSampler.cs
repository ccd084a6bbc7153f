namespace FocusedQuantization.Search;

/// <summary>
/// Multi-objective tree-structured Parzen estimator (Ozaki, Tanigaki, Watanabe, Onishi: "Multiobjective tree-structured
/// Parzen estimator for computationally expensive optimization problems", GECCO 2020; and "Multiobjective
/// Tree-Structured Parzen Estimator", JAIR 75, 2022), with constraint handling as in constrained TPE (feasible trials
/// first, then the least violating ones). The finished trials are split into a good group (the best non-domination
/// ranks, the last rank cut by greedy hypervolume subset selection) and a bad one; a Parzen estimator is fitted to
/// each, candidates are drawn from the good one, and the candidate with the largest ratio l(x)/g(x) is asked.
/// </summary>
/// <remarks>
/// Choices made for the small budgets of compression sweeps (50-200 trials), each measured (docs/SEARCH.md): every ask
/// draws one of four proposals, univariate TPE (each dimension maximises its own ratio over its candidates), a sharper
/// univariate TPE (neighbour-gap widths, 24 candidates, a ratio leaning on l), NSGA-II children of good trials, and
/// multivariate TPE (joint kernels, now and then narrowed); kernels take Scott's rule on the good trials' spread,
/// clipped as Optuna clips; 128 candidates rather than Optuna's 24; good trials weighted by their hypervolume
/// contribution (the paper), floored so a good trial behind the first front still counts; once infeasible trials are
/// known, the score adds the log probability of feasibility from a feasible/infeasible density ratio (c-TPE).
/// Running trials join the bad group (a constant liar), so parallel asks spread out instead of piling on one spot.
/// Stopped trials are scored with their (pessimistic) values; Failed ones join the bad group.
/// </remarks>
public sealed class MotpeSampler : ISampler
{
    public const int DefaultStartup = 10;
    public const int DefaultCandidates = 128;

    internal const int Stream = 3;

    private readonly int _seed;

    public MotpeSampler(int seed, int startup = DefaultStartup, int candidates = DefaultCandidates)
        : this(seed, new MotpeOptions { Startup = startup, Candidates = candidates })
    {
    }

    internal MotpeSampler(int seed, MotpeOptions options)
    {
        if (options.Startup < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Startup, "The startup count cannot be negative.");
        if (options.Candidates < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Candidates, "At least one candidate is needed.");
        _seed = seed;
        Options = options;
    }

    public string Name => "motpe";

    internal MotpeOptions Options { get; }

    public int Startup => Options.Startup;

    public int Candidates => Options.Candidates;

    public Point Ask(SearchSpace space, IReadOnlyList<Observation> history, int number)
    {
        var trials = new History(space, history, number);
        var random = SeedMix.For(_seed, Stream, number);
        if (trials.Finished < Math.Max(1, Options.Startup) || trials.Scored.Count == 0) return RandomSampler.Unvisited(_seed, space, trials.All, number, random);

        var (good, goodWeights, bad) = Split(trials);
        var goodPoints = good.Select(o => History.Encode(space, o.Point)).ToArray();
        var badPoints = bad.Select(o => History.Encode(space, o.Point)).ToArray();
        var badWeights = Enumerable.Repeat(1.0, badPoints.Length).ToArray();

        // Each ask takes one of the proposal kinds, by share; the history decides nothing here, so the choice is as
        // reproducible as the rest.
        var proposal = Options.Proposals[^1];
        var u = random.NextDouble() * Options.Proposals.Sum(p => p.Share);
        foreach (var p in Options.Proposals)
            if ((u -= p.Share) < 0) { proposal = p; break; }

        var lower = new ParzenEstimator(space, goodPoints, goodWeights, Options.PriorWeight, Bandwidths(space, goodPoints, goodWeights, proposal.Rule));
        var upper = new ParzenEstimator(space, badPoints, badWeights, Options.PriorWeight, Bandwidths(space, badPoints, null, proposal.Rule));
        var (feasible, infeasible) = Options.ConstraintModel ? ConstraintModels(trials, proposal.Rule) : (null, null);
        var logFeasibleCount = Math.Log(Math.Max(1, trials.Scored.Count(o => o.IsFeasible)));
        var logInfeasibleCount = Math.Log(Math.Max(1, trials.Scored.Count(o => !o.IsFeasible) + trials.Failed.Count));
        var candidates = Math.Max(1, (int)Math.Round(Options.Candidates * proposal.CandidateFactor));
        var seen = new HashSet<PointKey>(trials.All.Select(o => History.Key(space, o.Point)));

        if (proposal.Kind == ProposalKind.Marginal)
        {
            // Univariate TPE: each dimension on its own takes the best of its candidates, so a separable ratio is
            // maximised over every combination of them at once.
            var x = new double[space.Dimensions.Count];
            for (var j = 0; j < x.Length; j++)
            {
                if (!lower.IsActive(j, x)) { x[j] = double.NaN; continue; }
                var d = space.Dimensions[j];
                var bestValue = double.NaN;
                var bestRatio = double.NegativeInfinity;
                for (var c = 0; c < candidates; c++)
                {
                    var v = lower.SampleDimension(random, j);
                    // Score a discrete value at its bin's centre, as it will be asked.
                    if (d is not CategoricalDimension) v = UnitScale.ToUnit(d, UnitScale.FromUnit(d, v));
                    var ratio = lower.MarginalLogDensity(j, v) - proposal.BadExponent * upper.MarginalLogDensity(j, v);
                    if (feasible is not null)
                        ratio += LogFeasibility(feasible.MarginalLogDensity(j, v) + logFeasibleCount, infeasible!.MarginalLogDensity(j, v) + logInfeasibleCount);
                    if (ratio > bestRatio || double.IsNaN(bestValue)) { bestRatio = ratio; bestValue = v; }
                }
                x[j] = bestValue;
            }
            var point = History.Decode(space, x);
            if (!seen.Contains(History.Key(space, point))) return point;
        }

        // Joint candidates: drawn from the good estimator (now and then narrowed around its own trials, to exploit),
        // or bred from good trials; each scored by the joint ratio.
        var sampler = lower;
        if (proposal.Kind == ProposalKind.Joint && Options.LocalShare > 0 && random.NextDouble() < Options.LocalShare)
            sampler = new ParzenEstimator(space, goodPoints, goodWeights, 0,
                Bandwidths(space, goodPoints, goodWeights, proposal.Rule).Select(row => row.Select(b => b * Options.LocalScale).ToArray()).ToArray());
        Point? best = null;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < candidates; c++)
        {
            var point = History.Decode(space, proposal.Kind == ProposalKind.Genetic ? Offspring(space, goodPoints, goodWeights, random) : sampler.Sample(random));
            // Score the point as asked (a discrete value at its bin's centre).
            var x = History.Encode(space, point);
            var score = lower.LogDensity(x) - proposal.BadExponent * upper.LogDensity(x);
            if (feasible is not null) score += LogFeasibility(feasible.LogDensity(x) + logFeasibleCount, infeasible!.LogDensity(x) + logInfeasibleCount);
            if (!(score > bestScore) || seen.Contains(History.Key(space, point))) continue;
            best = point;
            bestScore = score;
        }
        // Every candidate was a visited point (a small discrete space): take an unvisited random one if there is any.
        return best ?? RandomSampler.Unvisited(_seed, space, trials.All, number, random);
    }

    /// <summary>A child of two good trials (picked by weight) by NSGA-II's crossover and mutation.</summary>
    private static double[] Offspring(SearchSpace space, double[][] good, IReadOnlyList<double> weights, Random random)
    {
        var total = weights.Sum();
        int Pick()
        {
            var u = random.NextDouble() * total;
            for (var k = 0; k < good.Length; k++)
                if ((u -= weights[k]) < 0) return k;
            return good.Length - 1;
        }
        var a = good[Pick()];
        var b = good[Pick()];
        var child = Nsga2Sampler.Crossover(space, a, b, random);
        return Nsga2Sampler.Mutate(space, child, 1.0 / Math.Max(1, space.Dimensions.Count), random);
    }

    /// <summary>
    /// The constraint's own density ratio, as in c-TPE (Watanabe and Hutter: "c-TPE: tree-structured Parzen estimator
    /// with inequality constraints for expensive hyperparameter optimization", IJCAI 2023): estimators of where feasible
    /// and where infeasible (or failed) trials lie, from which each candidate's log probability of feasibility is added
    /// to its score. Null until both kinds have been seen.
    /// </summary>
    private (ParzenEstimator? Feasible, ParzenEstimator? Infeasible) ConstraintModels(History trials, BandwidthRule rule)
    {
        var space = trials.Space;
        var feasible = trials.Scored.Where(o => o.IsFeasible).Select(o => History.Encode(space, o.Point)).ToArray();
        var infeasible = trials.Scored.Where(o => !o.IsFeasible).Concat(trials.Failed).Select(o => History.Encode(space, o.Point)).ToArray();
        if (feasible.Length == 0 || infeasible.Length == 0) return (null, null);
        ParzenEstimator Model(double[][] points) =>
            new(space, points, Enumerable.Repeat(1.0, points.Length).ToArray(), Options.PriorWeight, Bandwidths(space, points, null, rule));
        return (Model(feasible), Model(infeasible));
    }

    /// <summary>log P(feasible | x) from the two weighted log densities: near 0 where feasible trials dominate, very negative where only infeasible ones lie.</summary>
    private double LogFeasibility(double logFeasible, double logInfeasible)
    {
        var max = Math.Max(logFeasible, logInfeasible);
        if (double.IsNegativeInfinity(max)) return 0;
        var logFeasibility = logFeasible - (max + Math.Log(Math.Exp(logFeasible - max) + Math.Exp(logInfeasible - max)));
        return Options.ConstraintWeight * logFeasibility;
    }

    /// <summary>The good trials with their weights, and the bad ones (including failed and, as a liar, running trials).</summary>
    internal (List<Observation> Good, double[] Weights, List<Observation> Bad) Split(History trials)
    {
        var scored = trials.Scored;
        var goodCount = Math.Clamp(Options.Gamma(trials.Finished), 1, scored.Count);
        var feasible = scored.Where(o => o.IsFeasible).ToList();
        var good = new List<Observation>(goodCount);
        if (feasible.Count >= goodCount) good.AddRange(BestByRank(feasible, goodCount));
        else
        {
            // Too few feasible trials: the least violating infeasible ones fill the good group, which pulls toward feasibility.
            good.AddRange(feasible);
            good.AddRange(scored.Where(o => !o.IsFeasible).OrderBy(o => o.Violation).ThenBy(o => o.Number).Take(goodCount - feasible.Count));
        }
        var chosen = new HashSet<Observation>(good, ReferenceEqualityComparer.Instance);
        good = [.. good.OrderBy(o => o.Number)];
        var bad = scored.Where(o => !chosen.Contains(o)).Concat(trials.Failed);
        if (Options.ConstantLiar) bad = bad.Concat(trials.Running);
        return (good, GoodWeights(good, feasible), bad.OrderBy(o => o.Number).ToList());
    }

    /// <summary>The best <paramref name="count"/> feasible trials: whole fronts in rank order, the last one cut by greedy hypervolume subset selection.</summary>
    private static List<Observation> BestByRank(List<Observation> feasible, int count)
    {
        var normalized = Normalize(feasible);
        var ranks = ParetoSorting.Ranks(normalized);
        var chosen = new List<Observation>(count);
        foreach (var front in ParetoSorting.Fronts(ranks))
        {
            var room = count - chosen.Count;
            if (room <= 0) break;
            if (front.Length <= room) { chosen.AddRange(front.Select(i => feasible[i])); continue; }
            var reference = Enumerable.Repeat(1.1, normalized[0].Length).ToArray();
            var picked = new List<double[]>();
            var left = front.ToList();
            for (var s = 0; s < room; s++)
            {
                var bestAt = 0;
                var bestGain = double.NegativeInfinity;
                for (var t = 0; t < left.Count; t++)
                {
                    var gain = Hypervolume.Contribution(normalized[left[t]], picked, reference);
                    // Ties go to the earlier trial (left is in number order).
                    if (gain > bestGain) { bestGain = gain; bestAt = t; }
                }
                picked.Add(normalized[left[bestAt]]);
                chosen.Add(feasible[left[bestAt]]);
                left.RemoveAt(bestAt);
            }
        }
        return chosen;
    }

    /// <summary>Hypervolume-contribution weights for the feasible good trials (floored), a small weight for infeasible ones.</summary>
    private double[] GoodWeights(List<Observation> good, List<Observation> feasibleAll)
    {
        var weights = new double[good.Count];
        var feasibleGood = Enumerable.Range(0, good.Count).Where(i => good[i].IsFeasible).ToArray();
        if (feasibleGood.Length == 0)
        {
            // Nothing feasible yet: the least violating trials lead, equally.
            Array.Fill(weights, 1.0);
            return weights;
        }
        var floor = Options.WeightFloor;
        for (var i = 0; i < good.Count; i++) weights[i] = good[i].IsFeasible ? 1.0 : floor * 0.5;
        if (feasibleGood.Length == 1 || floor >= 1) return weights;
        var normalized = Normalize(feasibleGood.Select(i => good[i]).ToList());
        var reference = Enumerable.Repeat(1.1, normalized[0].Length).ToArray();
        var contributions = Hypervolume.Contributions(normalized, reference);
        var max = contributions.Max();
        if (!(max > 0)) return weights;
        for (var k = 0; k < feasibleGood.Length; k++)
            weights[feasibleGood[k]] = floor + (1 - floor) * contributions[k] / max;
        return weights;
    }

    /// <summary>Objectives rescaled to [0, 1] over the given trials, so the hypervolume reference point needs no scale.</summary>
    private static double[][] Normalize(IReadOnlyList<Observation> trials)
    {
        var m = trials[0].Values!.Count;
        var low = new double[m];
        var high = new double[m];
        Array.Fill(low, double.PositiveInfinity);
        Array.Fill(high, double.NegativeInfinity);
        foreach (var o in trials)
            for (var i = 0; i < m; i++)
            {
                low[i] = Math.Min(low[i], o.Values![i]);
                high[i] = Math.Max(high[i], o.Values![i]);
            }
        return trials.Select(o =>
        {
            var v = new double[m];
            for (var i = 0; i < m; i++) v[i] = high[i] > low[i] ? (o.Values![i] - low[i]) / (high[i] - low[i]) : 0;
            return v;
        }).ToArray();
    }

    /// <summary>
    /// Kernel widths on the unit scale, per point and dimension, clipped to [1/min(100, n+1), 1] (Optuna's "magic
    /// clip") and, for a discrete dimension, to at least half a bin. Scott: factor * spread * n^(-1/(d+4)) with the
    /// spread the (weighted) standard deviation of the points in that dimension, the same for every point. Neighbour:
    /// the larger gap to the point's neighbours in that dimension (the ends 0 and 1 and the prior's centre among
    /// them), the univariate TPE rule of Bergstra et al. 2011.
    /// </summary>
    private double[][] Bandwidths(SearchSpace space, IReadOnlyList<double[]> points, IReadOnlyList<double>? weights, BandwidthRule rule)
    {
        var dims = space.Dimensions;
        var numeric = dims.Count(d => d is not CategoricalDimension);
        var result = new double[points.Count][];
        for (var k = 0; k < points.Count; k++) result[k] = new double[dims.Count];
        var scott = Math.Pow(Math.Max(1, points.Count), -1.0 / (numeric + 4));
        var minimum = 1.0 / Math.Min(100.0, points.Count + 1.0);
        var present = new List<(double X, int K)>(points.Count + 1);
        for (var j = 0; j < dims.Count; j++)
        {
            if (dims[j] is CategoricalDimension) continue;
            var floor = minimum;
            if (UnitScale.Bins(dims[j]) is { } bins) floor = Math.Max(floor, 0.5 / bins);
            floor = Math.Min(floor, 1.0);
            present.Clear();
            for (var k = 0; k < points.Count; k++)
                if (!double.IsNaN(points[k][j])) present.Add((points[k][j], k));
            if (rule == BandwidthRule.Neighbour)
            {
                present.Add((0.5, -1));
                present.Sort((a, b) => a.X != b.X ? a.X.CompareTo(b.X) : a.K.CompareTo(b.K));
                for (var i = 0; i < present.Count; i++)
                {
                    if (present[i].K < 0) continue;
                    var left = present[i].X - (i > 0 ? present[i - 1].X : 0);
                    var right = (i + 1 < present.Count ? present[i + 1].X : 1) - present[i].X;
                    result[present[i].K][j] = Math.Clamp(Math.Max(left, right), floor, 1.0);
                }
                continue;
            }
            double sum = 0, sumSq = 0, total = 0;
            foreach (var (x, k) in present)
            {
                var w = weights?[k] ?? 1.0;
                sum += w * x;
                sumSq += w * x * x;
                total += w;
            }
            var spread = total > 0 ? Math.Sqrt(Math.Max(0, sumSq / total - (sum / total) * (sum / total))) : 0.5;
            var width = Math.Clamp(Math.Max(spread, Options.SpreadFloor) * scott, floor, 1.0);
            for (var k = 0; k < points.Count; k++) result[k][j] = width;
        }
        return result;
    }
}

/// <summary>How the Parzen kernels' widths are chosen.</summary>
internal enum BandwidthRule
{
    /// <summary>Scott's rule on each dimension's weighted spread.</summary>
    Scott,

    /// <summary>Each point's larger gap to its neighbours, per dimension (univariate TPE).</summary>
    Neighbour,
}

/// <summary>How an ask proposes its candidates.</summary>
internal enum ProposalKind
{
    /// <summary>Whole points from the good estimator's joint kernels, scored by the joint ratio.</summary>
    Joint,

    /// <summary>Each dimension on its own from its marginal, scored by its marginal ratio (univariate TPE).</summary>
    Marginal,

    /// <summary>NSGA-II children of two good trials, scored by the joint ratio.</summary>
    Genetic,
}

/// <param name="Kind">How candidates are drawn and scored.</param>
/// <param name="Share">The relative share of asks that use this proposal.</param>
/// <param name="Rule">The kernel width rule of the estimators it scores with.</param>
/// <param name="CandidateFactor">Its candidates, as a multiple of the sampler's candidate count.</param>
/// <param name="BadExponent">The acquisition is log l - BadExponent * log g; below 1 it leans on where good trials are.</param>
internal sealed record Proposal(ProposalKind Kind, double Share, BandwidthRule Rule = BandwidthRule.Scott, double CandidateFactor = 1.0, double BadExponent = 1.0);

/// <summary>MOTPE's settings; the defaults are the ones documented in docs/SEARCH.md.</summary>
internal sealed record MotpeOptions
{
    public int Startup { get; init; } = MotpeSampler.DefaultStartup;

    public int Candidates { get; init; } = MotpeSampler.DefaultCandidates;

    /// <summary>The size of the good group for n finished trials.</summary>
    public Func<int, int> Gamma { get; init; } = n => (int)Math.Ceiling(0.1 * n);

    public double PriorWeight { get; init; } = 1.0;

    /// <summary>The proposals an ask picks from, by share.</summary>
    public IReadOnlyList<Proposal> Proposals { get; init; } =
    [
        new(ProposalKind.Marginal, 0.3),
        new(ProposalKind.Genetic, 0.3),
        new(ProposalKind.Joint, 0.2),
        // Sharp: neighbour-gap widths, 24 of 128 candidates, and a ratio leaning on l.
        new(ProposalKind.Marginal, 0.2, BandwidthRule.Neighbour, CandidateFactor: 0.1875, BadExponent: 0.5),
    ];

    /// <summary>The smallest spread Scott's rule uses (keeps a collapsed dimension searchable).</summary>
    public double SpreadFloor { get; init; } = 0.05;

    /// <summary>The weight of a good trial that adds no hypervolume, relative to the largest contributor.</summary>
    public double WeightFloor { get; init; } = 0.25;

    /// <summary>The share of joint asks that draw from the good estimator with narrowed kernels.</summary>
    public double LocalShare { get; init; } = 0.2;

    public double LocalScale { get; init; } = 0.3;

    public bool ConstantLiar { get; init; } = true;

    /// <summary>Multiply in the feasible/infeasible density ratio once both kinds of trial exist.</summary>
    public bool ConstraintModel { get; init; } = true;

    public double ConstraintWeight { get; init; } = 1.0;
}
