namespace FocusedQuantization.Benchmarks.Search;

/// <summary>
/// The benchmark's exact hypervolume of minimized points against a reference point, for 2 and 3 objectives. A stand-in
/// until Search's own is merged: every hypervolume of bench/Search goes through <see cref="Compute"/>, so using Search's
/// is one line there (<c>return FocusedQuantization.Search.Hypervolume.Compute(points, reference);</c>), and --check
/// then checks that one against inclusion-exclusion. Points that do not strictly dominate the reference add nothing.
/// </summary>
public static class BenchHypervolume
{
    public static double Compute(IReadOnlyList<double[]> points, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(reference);
        var inside = points.Where(p => Dominates(p, reference)).ToArray();
        return reference.Count switch
        {
            2 => Sweep2(inside, reference[0], reference[1]),
            3 => Slices3(inside, reference),
            _ => throw new NotSupportedException($"The benchmark's hypervolume handles 2 and 3 objectives, not {reference.Count}."),
        };
    }

    private static bool Dominates(double[] point, IReadOnlyList<double> reference)
    {
        for (var i = 0; i < reference.Count; i++)
            if (!(point[i] < reference[i])) return false;
        return true;
    }

    /// <summary>Sorted by the first objective, each point that lowers the best second objective so far adds a strip out to the reference.</summary>
    private static double Sweep2(IEnumerable<(double X, double Y)> points, double rx, double ry)
    {
        var area = 0.0;
        var level = ry;
        foreach (var (x, y) in points.OrderBy(p => p.X).ThenBy(p => p.Y))
        {
            if (y >= level) continue;
            area += (rx - x) * (level - y);
            level = y;
        }
        return area;
    }

    private static double Sweep2(double[][] points, double rx, double ry) => Sweep2(points.Select(p => (p[0], p[1])), rx, ry);

    /// <summary>Sorted by the third objective, each slab between consecutive heights is the 2-D area of the points below it times its thickness.</summary>
    private static double Slices3(double[][] points, IReadOnlyList<double> reference)
    {
        var sorted = points.OrderBy(p => p[2]).ToArray();
        var volume = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var top = i + 1 < sorted.Length ? sorted[i + 1][2] : reference[2];
            if (top > sorted[i][2]) volume += Sweep2(sorted.Take(i + 1).Select(p => (p[0], p[1])), reference[0], reference[1]) * (top - sorted[i][2]);
        }
        return volume;
    }
}

/// <summary>The hypervolume after each trial of a run: the front is kept as trials arrive and measured when it changes.</summary>
public static class HypervolumeCurve
{
    /// <summary>Entry t is the hypervolume of trials 0..t (null values are failed trials).</summary>
    public static double[] Of(IReadOnlyList<double[]?> values, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(values);
        var curve = new double[values.Count];
        var front = new List<double[]>();
        var current = 0.0;
        for (var t = 0; t < values.Count; t++)
        {
            if (values[t] is { } point && Inside(point, reference) && !front.Any(q => WeaklyDominates(q, point)))
            {
                front.RemoveAll(q => WeaklyDominates(point, q));
                front.Add(point);
                current = BenchHypervolume.Compute(front, reference);
            }
            curve[t] = current;
        }
        return curve;
    }

    private static bool Inside(double[] point, IReadOnlyList<double> reference)
    {
        for (var i = 0; i < reference.Count; i++)
            if (!(point[i] < reference[i])) return false;
        return true;
    }

    private static bool WeaklyDominates(double[] a, double[] b)
    {
        for (var i = 0; i < a.Length; i++)
            if (a[i] > b[i]) return false;
        return true;
    }
}
