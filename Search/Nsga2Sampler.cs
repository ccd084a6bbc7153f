namespace FocusedQuantization.Search;

/// <summary>
/// Asynchronous steady-state NSGA-II (Deb, Pratap, Agarwal, Meyarivan 2002, with its constraint domination). There are
/// no generations: each ask breeds one child from the current parent pool, the best <c>population</c> finished trials
/// by constrained non-domination rank, then crowding distance. Parents come from binary tournaments; numeric dimensions
/// (on the unit scale, log dimensions in log space) get simulated binary crossover and polynomial mutation (Deb and
/// Agrawal 1995; Deb and Goyal 1996), categoricals uniform crossover and resampling mutation. Until <c>startup</c> trials
/// have finished, trials are drawn as the random sampler draws them.
/// </summary>
/// <remarks>
/// Complete trials and Stopped ones both enter the pool. A stopped trial's values are a pessimistic bound (it was cut
/// before its accuracy had grown, and the stopper cut it because it looked dominated), so it only wins a place when it
/// is still better than the complete ones; it never overstates a region. Failed trials carry no values and are left
/// out (they still count as visited points for the duplicate check).
/// </remarks>
public sealed class Nsga2Sampler : ISampler
{
    /// <summary>The default pool size: small enough that selection starts early in sweeps of 50-200 trials.</summary>
    public const int DefaultPopulation = 20;

    internal const int Stream = 2;
    private const double CrossoverProbability = 0.9;
    private const double CrossoverEta = 15;
    private const double MutationEta = 20;
    private const int Retries = 32;

    private readonly int _seed;

    public Nsga2Sampler(int seed, int population = DefaultPopulation, int? startup = null)
    {
        if (population < 2) throw new ArgumentOutOfRangeException(nameof(population), population, "NSGA-II needs a population of at least 2.");
        if (startup is < 0) throw new ArgumentOutOfRangeException(nameof(startup), startup, "The startup count cannot be negative.");
        _seed = seed;
        Population = population;
        Startup = startup ?? population;
    }

    public string Name => "nsga2";

    public int Population { get; }

    public int Startup { get; }

    public Point Ask(SearchSpace space, IReadOnlyList<Observation> history, int number)
    {
        var trials = new History(space, history, number);
        var random = SeedMix.For(_seed, Stream, number);
        if (trials.Scored.Count < Math.Max(Startup, 2)) return RandomSampler.Unvisited(_seed, space, trials.All, number, random);

        var (pool, rank, crowding) = ParentPool(trials.Scored, Population);
        var encoded = pool.Select(o => History.Encode(space, o.Point)).ToArray();
        var seen = new HashSet<PointKey>(trials.All.Select(o => History.Key(space, o.Point)));

        int Tournament()
        {
            var a = random.Next(pool.Count);
            var b = random.Next(pool.Count - 1);
            if (b >= a) b++;
            if (rank[a] != rank[b]) return rank[a] < rank[b] ? a : b;
            if (crowding[a] != crowding[b]) return crowding[a] > crowding[b] ? a : b;
            return random.Next(2) == 0 ? a : b;
        }

        var first = encoded[Tournament()];
        var second = encoded[Tournament()];
        var crossed = random.NextDouble() < CrossoverProbability ? Crossover(space, first, second, random) : (double[])first.Clone();
        Point child;
        for (var attempt = 0; attempt < Retries; attempt++)
        {
            // Retries mutate harder, so a discrete space near exhaustion still finds an unvisited point.
            var rate = Math.Min(1.0, (1.0 + attempt / 4) / Math.Max(1, space.Dimensions.Count));
            child = History.Decode(space, Mutate(space, crossed, rate, random));
            if (!seen.Contains(History.Key(space, child))) return child;
        }
        // The parents' neighbourhood is used up (a small discrete space): any unvisited point will do.
        return RandomSampler.Unvisited(_seed, space, trials.All, number, random);
    }

    /// <summary>
    /// The best <paramref name="size"/> trials by constrained rank, the last front cut by crowding distance (ties by
    /// number), with each one's rank and crowding distance (within its whole front) for the tournaments.
    /// </summary>
    internal static (List<Observation> Pool, List<int> Rank, List<double> Crowding) ParentPool(IReadOnlyList<Observation> scored, int size)
    {
        var values = scored.Select(o => o.Values!).ToArray();
        var ranks = ParetoSorting.Ranks(values, scored.Select(o => o.Violation).ToArray());
        var pool = new List<Observation>();
        var poolRank = new List<int>();
        var poolCrowding = new List<double>();
        foreach (var front in ParetoSorting.Fronts(ranks))
        {
            if (pool.Count >= size) break;
            var distance = ParetoSorting.CrowdingDistance(values, front);
            var order = Enumerable.Range(0, front.Length).OrderByDescending(k => distance[k]).ThenBy(k => scored[front[k]].Number);
            foreach (var k in order.Take(size - pool.Count))
            {
                pool.Add(scored[front[k]]);
                poolRank.Add(ranks[front[k]]);
                poolCrowding.Add(distance[k]);
            }
        }
        return (pool, poolRank, poolCrowding);
    }

    /// <summary>One child of two parents: per numeric dimension SBX with probability 1/2, per categorical a coin.</summary>
    internal static double[] Crossover(SearchSpace space, double[] a, double[] b, Random random)
    {
        var child = new double[a.Length];
        for (var j = 0; j < a.Length; j++)
        {
            var x = a[j];
            var y = b[j];
            // A dimension only one parent has (a conditional one) comes from that parent.
            if (double.IsNaN(x) || double.IsNaN(y)) { child[j] = double.IsNaN(x) ? y : x; continue; }
            if (space.Dimensions[j] is CategoricalDimension) { child[j] = random.Next(2) == 0 ? x : y; continue; }
            child[j] = random.NextDouble() < 0.5 ? Sbx(x, y, random) : (random.Next(2) == 0 ? x : y);
        }
        return child;
    }

    /// <summary>Bounded simulated binary crossover on [0, 1]; returns one of the two offspring at random.</summary>
    internal static double Sbx(double x, double y, Random random)
    {
        var u = random.NextDouble();
        var pickSecond = random.Next(2) == 1;
        if (Math.Abs(x - y) < 1e-14) return x;
        var low = Math.Min(x, y);
        var high = Math.Max(x, y);
        var spread = high - low;
        double Betaq(double beta)
        {
            var alpha = 2.0 - Math.Pow(beta, -(CrossoverEta + 1));
            return u <= 1.0 / alpha
                ? Math.Pow(u * alpha, 1.0 / (CrossoverEta + 1))
                : Math.Pow(1.0 / (2.0 - u * alpha), 1.0 / (CrossoverEta + 1));
        }
        var c1 = 0.5 * (low + high - Betaq(1.0 + 2.0 * low / spread) * spread);
        var c2 = 0.5 * (low + high + Betaq(1.0 + 2.0 * (1.0 - high) / spread) * spread);
        return Math.Clamp(pickSecond ? c2 : c1, 0, 1);
    }

    /// <summary>Mutates each active dimension with probability <paramref name="rate"/>; a dimension switched on by a mutated choice and absent in the child is drawn uniformly.</summary>
    internal static double[] Mutate(SearchSpace space, double[] child, double rate, Random random)
    {
        var x = (double[])child.Clone();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var j = 0; j < x.Length; j++)
        {
            var d = space.Dimensions[j];
            if (!SearchSpace.IsActive(d, values, space)) { x[j] = double.NaN; continue; }
            var mutate = random.NextDouble() < rate;
            if (d is CategoricalDimension c)
            {
                if (double.IsNaN(x[j])) x[j] = random.Next(c.Choices.Count);
                else if (mutate && c.Choices.Count > 1)
                {
                    // Resample among the other choices, so a mutation always changes something.
                    var other = random.Next(c.Choices.Count - 1);
                    x[j] = other >= x[j] ? other + 1 : other;
                }
                values[d.Name] = x[j];
                continue;
            }
            if (double.IsNaN(x[j])) x[j] = random.NextDouble();
            else if (mutate)
            {
                var before = x[j];
                x[j] = Polynomial(before, random);
                // A small step that stays in the same grid cell of a discrete dimension would change nothing: take the next value.
                if (d.Cardinality is not null && UnitScale.FromUnit(d, x[j]) == UnitScale.FromUnit(d, before))
                    x[j] = UnitScale.Neighbour(d, before, x[j] >= before ? 1 : -1);
            }
            values[d.Name] = x[j];
        }
        return x;
    }

    /// <summary>Bounded polynomial mutation on [0, 1].</summary>
    internal static double Polynomial(double x, Random random)
    {
        var u = random.NextDouble();
        var power = 1.0 / (MutationEta + 1);
        double delta;
        if (u < 0.5)
        {
            var v = 2 * u + (1 - 2 * u) * Math.Pow(1 - x, MutationEta + 1);
            delta = Math.Pow(v, power) - 1;
        }
        else
        {
            var v = 2 * (1 - u) + 2 * (u - 0.5) * Math.Pow(x, MutationEta + 1);
            delta = 1 - Math.Pow(v, power);
        }
        return Math.Clamp(x + delta, 0, 1);
    }
}
