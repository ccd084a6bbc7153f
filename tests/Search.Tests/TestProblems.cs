namespace FocusedQuantization.Search.Tests;

/// <summary>Small analytic problems for the samplers' tests (the ZDT and DTLZ suites live in bench/Search).</summary>
internal static class TestProblems
{
    /// <summary>Five floats in [-3, 3]; f1 = |x - 1|^2, f2 = |x + 1|^2: the front is the segment between (1,..,1) and (-1,..,-1).</summary>
    public static readonly SearchSpace Sphere = new(Enumerable.Range(0, 5).Select(i => (Dimension)new FloatDimension($"x{i}", -3, 3)).ToArray());

    /// <summary>Both sphere objectives worsen past this point; random search lands inside it often.</summary>
    public static readonly double[] Reference = [25, 25];

    /// <summary>Three floats, an integer, a categorical that costs 0, 2 or 4, and a float active only under the free choice.</summary>
    public static readonly SearchSpace Mixed = new([
        new FloatDimension("x0", -3, 3),
        new FloatDimension("x1", 1e-2, 3, Log: true),
        new FloatDimension("x2", -3, 3, Step: 0.25),
        new IntDimension("n", -3, 3),
        new CategoricalDimension("c", ["free", "two", "four"]),
        new FloatDimension("y", -3, 3) { When = new Condition("c", ["free"]) },
    ]);

    public static double[] SphereValues(Point p)
    {
        double f1 = 0, f2 = 0;
        foreach (var (_, v) in p.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            f1 += (v - 1) * (v - 1);
            f2 += (v + 1) * (v + 1);
        }
        return [f1, f2];
    }

    public static Observation SphereTrial(int number, Point p) => new(number, p, ObservationState.Complete, SphereValues(p));

    /// <summary>Three objectives on the sphere space: squared distances to (1,..,1), (-1,..,-1) and (1,-1,1,-1,1).</summary>
    public static Observation TripleTrial(int number, Point p)
    {
        double f1 = 0, f2 = 0, f3 = 0;
        for (var i = 0; i < 5; i++)
        {
            var v = p[$"x{i}"];
            var corner = i % 2 == 0 ? 1 : -1;
            f1 += (v - 1) * (v - 1);
            f2 += (v + 1) * (v + 1);
            f3 += (v - corner) * (v - corner);
        }
        return new(number, p, ObservationState.Complete, [f1, f2, f3]);
    }

    /// <summary>The sphere pair with the constraint x0 + x1 &lt;= -1 (violation: how far past it), which cuts off the front's end near (1,..,1); a random point is feasible one time in three.</summary>
    public static Observation ConstrainedTrial(int number, Point p) =>
        new(number, p, ObservationState.Complete, SphereValues(p), Math.Max(0, p["x0"] + p["x1"] + 1));

    /// <summary>The sphere pair on the mixed space: the categorical's cost added to both objectives, absent dimensions counted at 0.</summary>
    public static Observation MixedTrial(int number, Point p)
    {
        double f1 = 0, f2 = 0;
        foreach (var key in new[] { "x0", "x1", "x2", "n", "y" })
        {
            var v = p.Has(key) ? p[key] : 0;
            f1 += (v - 1) * (v - 1);
            f2 += (v + 1) * (v + 1);
        }
        var cost = 2 * p["c"];
        return new(number, p, ObservationState.Complete, [f1 + cost, f2 + cost]);
    }

    /// <summary>Runs a sampler sequentially (each trial finished before the next is asked).</summary>
    public static List<Observation> Run(ISampler sampler, SearchSpace space, Func<int, Point, Observation> evaluate, int trials)
    {
        var history = new List<Observation>();
        for (var n = 0; n < trials; n++) history.Add(evaluate(n, sampler.Ask(space, history, n)));
        return history;
    }

    public static double FeasibleHypervolume(IEnumerable<Observation> trials)
    {
        var feasible = trials.Where(o => o.IsFeasible).Select(o => o.Values!).ToList();
        return feasible.Count == 0 ? 0 : Hypervolume.Compute(feasible, Enumerable.Repeat(Reference[0], feasible[0].Count).ToArray());
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    /// <summary>Point equality by value over the space's dimensions.</summary>
    public static string Describe(SearchSpace space, Point p) =>
        string.Join(";", space.Dimensions.Select(d => p.Has(d.Name) ? p[d.Name].ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "-"));
}
