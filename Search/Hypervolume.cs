namespace FocusedQuantization.Search;

/// <summary>
/// Exact hypervolume of a set of points (every objective minimized) against a reference point: the measure of the
/// region dominated by the set and bounded by the reference. A point that is not strictly better than the reference in
/// every objective adds nothing. Two objectives: sort and sweep (O(n log n)). Three: a sweep along the third objective
/// that keeps the two-dimensional front of the points seen so far (O(n^2)). More: the WFG recursion (While, Bradstreet,
/// Barone: "A fast way of calculating exact hypervolumes", IEEE TEC 16(1), 2012), exact and meant for small sets.
/// </summary>
public static class Hypervolume
{
    /// <summary>The hypervolume of <paramref name="points"/> against <paramref name="reference"/>.</summary>
    public static double Compute(IEnumerable<IReadOnlyList<double>> points, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(reference);
        var r = reference.ToArray();
        return Volume(NonDominated(Inside(points, r)), r);
    }

    /// <summary>
    /// Each point's exclusive contribution: the hypervolume lost when that point alone is removed. Dominated points,
    /// duplicates and points outside the reference contribute 0.
    /// </summary>
    public static double[] Contributions(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(reference);
        var r = reference.ToArray();
        var contributions = new double[points.Count];
        var all = points.Select(p => p.ToArray()).ToArray();
        for (var i = 0; i < all.Length; i++)
            contributions[i] = Exclusive(all[i], all.Where((_, j) => j != i), r);
        return contributions;
    }

    /// <summary>
    /// The hypervolume <paramref name="point"/> adds to <paramref name="others"/>: HV(others + point) - HV(others),
    /// computed as the point's own box minus the hypervolume of the others limited to that box.
    /// </summary>
    public static double Contribution(IReadOnlyList<double> point, IEnumerable<IReadOnlyList<double>> others, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(others);
        ArgumentNullException.ThrowIfNull(reference);
        return Exclusive(point.ToArray(), others.Select(o => o.ToArray()), reference.ToArray());
    }

    private static double Exclusive(double[] point, IEnumerable<double[]> others, double[] r)
    {
        if (point.Length != r.Length) throw new ArgumentException("A point and the reference must have as many objectives.");
        if (!StrictlyInside(point, r)) return 0;
        var box = Box(point, r);
        var limited = new List<double[]>();
        foreach (var other in others)
        {
            if (other.Length != r.Length) throw new ArgumentException("Every point must have as many objectives as the reference.");
            if (!StrictlyInside(other, r)) continue;
            var q = new double[r.Length];
            for (var m = 0; m < r.Length; m++) q[m] = Math.Max(other[m], point[m]);
            limited.Add(q);
        }
        return Math.Max(0, box - Volume(NonDominated(limited), r));
    }

    private static List<double[]> Inside(IEnumerable<IReadOnlyList<double>> points, double[] r)
    {
        var inside = new List<double[]>();
        foreach (var p in points)
        {
            ArgumentNullException.ThrowIfNull(p);
            if (p.Count != r.Length) throw new ArgumentException("Every point must have as many objectives as the reference.");
            var a = p.ToArray();
            if (StrictlyInside(a, r)) inside.Add(a);
        }
        return inside;
    }

    private static bool StrictlyInside(double[] p, double[] r)
    {
        for (var m = 0; m < r.Length; m++)
            if (!(p[m] < r[m])) return false;
        return true;
    }

    private static double Box(double[] p, double[] r)
    {
        var v = 1.0;
        for (var m = 0; m < r.Length; m++) v *= r[m] - p[m];
        return v;
    }

    /// <summary>The points no other point weakly dominates, one copy of each duplicate kept (sorted lexicographically).</summary>
    private static List<double[]> NonDominated(List<double[]> points)
    {
        points.Sort(Lexicographic);
        var kept = new List<double[]>(points.Count);
        foreach (var p in points)
        {
            // Sorted lexicographically, a point can only be weakly dominated by one before it.
            var dominated = false;
            foreach (var q in kept)
                if (WeaklyDominates(q, p)) { dominated = true; break; }
            if (!dominated) kept.Add(p);
        }
        return kept;
    }

    private static int Lexicographic(double[] a, double[] b)
    {
        for (var m = 0; m < a.Length; m++)
        {
            var c = a[m].CompareTo(b[m]);
            if (c != 0) return c;
        }
        return 0;
    }

    private static bool WeaklyDominates(double[] a, double[] b)
    {
        for (var m = 0; m < a.Length; m++)
            if (a[m] > b[m]) return false;
        return true;
    }

    /// <summary>The volume of a non-dominated set strictly inside the reference.</summary>
    private static double Volume(List<double[]> points, double[] r)
    {
        if (points.Count == 0) return 0;
        return r.Length switch
        {
            1 => r[0] - points.Min(p => p[0]),
            2 => Volume2D(points, r),
            3 => Volume3D(points, r),
            _ => VolumeWfg(points, r),
        };
    }

    /// <summary>Sorted by the first objective, each point adds the strip between its second objective and the best so far.</summary>
    private static double Volume2D(List<double[]> points, double[] r)
    {
        var sorted = points.OrderBy(p => p[0]).ThenBy(p => p[1]).ToList();
        var volume = 0.0;
        var bestY = r[1];
        foreach (var p in sorted)
        {
            if (p[1] >= bestY) continue;
            volume += (r[0] - p[0]) * (bestY - p[1]);
            bestY = p[1];
        }
        return volume;
    }

    /// <summary>
    /// Sweep along the third objective: between two consecutive levels the volume is the area of the two-dimensional
    /// front of the points at or below the level, kept sorted as points arrive.
    /// </summary>
    private static double Volume3D(List<double[]> points, double[] r)
    {
        var sorted = points.OrderBy(p => p[2]).ThenBy(p => p[0]).ThenBy(p => p[1]).ToList();
        // The 2-D front of (first, second) objectives: first ascending, second strictly descending.
        var front = new List<(double X, double Y)>();
        var area = 0.0;
        var volume = 0.0;
        for (var i = 0; i < sorted.Count; i++)
        {
            var p = sorted[i];
            var at = LowerBound(front, p[0]);
            // Dominated in the plane by the point just left of it (or equal in x)?
            var dominatedInPlane = (at < front.Count && front[at].X == p[0] && front[at].Y <= p[1]) || (at > 0 && front[at - 1].Y <= p[1]);
            if (!dominatedInPlane)
            {
                var end = at;
                while (end < front.Count && front[end].Y >= p[1]) end++;
                front.RemoveRange(at, end - at);
                front.Insert(at, (p[0], p[1]));
                area = Area(front, r);
            }
            var nextZ = i + 1 < sorted.Count ? sorted[i + 1][2] : r[2];
            volume += area * (nextZ - p[2]);
        }
        return volume;
    }

    private static int LowerBound(List<(double X, double Y)> front, double x)
    {
        int lo = 0, hi = front.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (front[mid].X < x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static double Area(List<(double X, double Y)> front, double[] r)
    {
        var area = 0.0;
        for (var k = 0; k < front.Count; k++)
        {
            var rightX = k + 1 < front.Count ? front[k + 1].X : r[0];
            area += (rightX - front[k].X) * (r[1] - front[k].Y);
        }
        return area;
    }

    /// <summary>
    /// WFG: with the points sorted worst-first in the last objective, HV = sum over k of the exclusive volume of point k
    /// against the points after it. Limited to point k's box, those all share its last coordinate, so each exclusive
    /// volume is a slab of height r - p_k times a hypervolume of one objective fewer.
    /// </summary>
    private static double VolumeWfg(List<double[]> points, double[] r)
    {
        var d = r.Length;
        var sorted = points.OrderByDescending(p => p[d - 1]).ThenBy(p => p, Comparer<double[]>.Create(Lexicographic)).ToList();
        var rLower = r[..(d - 1)];
        var volume = 0.0;
        for (var k = 0; k < sorted.Count; k++)
        {
            var p = sorted[k];
            var projected = p[..(d - 1)];
            var limited = new List<double[]>(sorted.Count - k - 1);
            for (var j = k + 1; j < sorted.Count; j++)
            {
                var q = new double[d - 1];
                for (var m = 0; m < d - 1; m++) q[m] = Math.Max(sorted[j][m], projected[m]);
                limited.Add(q);
            }
            var exclusive = Box(projected, rLower) - Volume(NonDominated(limited), rLower);
            volume += (r[d - 1] - p[d - 1]) * Math.Max(0, exclusive);
        }
        return volume;
    }
}
