using FocusedQuantization.Grains.Interfaces;

namespace FocusedQuantization.Grains;

/// <summary>
/// The non-dominated trials of a sweep, where a larger compression ratio and a larger top-1 accuracy are both better,
/// and the area they dominate (the 2-D hypervolume).
/// </summary>
/// <remarks>
/// A point dominates another when it is at least as good in both coordinates and strictly better in one.
/// Points with exactly equal coordinates do not dominate each other, so duplicates (say, two seeds that gave the same
/// result) are all kept in the front.
/// </remarks>
public static class ParetoFront
{
    /// <summary>
    /// The non-dominated points, best first: by top-1 descending, then compression ratio descending, then id
    /// (ordinal) so that the order is fully determined. Along a front this is also compression ratio ascending.
    /// </summary>
    /// <exception cref="ArgumentException">A point has a NaN or infinite coordinate, or a null id.</exception>
    public static IReadOnlyList<ParetoPoint> Compute(IEnumerable<ParetoPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var all = points.ToArray();
        foreach (var point in all) Validate(point);

        // Sort plain keys (top-1 descending) with an index array: a primitive sort is several times faster than a
        // comparison delegate over records, which matters for a sweep's 100,000-trial Pareto query.
        var keys = new double[all.Length];
        var order = new int[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            keys[i] = -all[i].Top1;
            order[i] = i;
        }
        Array.Sort(keys, order);

        var front = new List<ParetoPoint>();
        // Largest compression ratio among points with a strictly higher top-1 than the current group.
        var bestRatioAbove = double.NegativeInfinity;
        var start = 0;
        while (start < all.Length)
        {
            var end = start;
            var groupBest = double.NegativeInfinity;
            for (; end < all.Length && keys[end] == keys[start]; end++)
                groupBest = Math.Max(groupBest, all[order[end]].CompressionRatio);
            // Only the points of the group at its largest ratio survive it, and only if no more accurate point
            // reaches that ratio; equal points are kept, in id order.
            if (groupBest > bestRatioAbove)
            {
                var survivors = new List<ParetoPoint>();
                for (var i = start; i < end; i++)
                    if (all[order[i]].CompressionRatio == groupBest) survivors.Add(all[order[i]]);
                survivors.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
                front.AddRange(survivors);
                bestRatioAbove = groupBest;
            }
            start = end;
        }
        return front;
    }

    /// <summary>
    /// The area dominated by the points and bounded below by the reference point, e.g. (compression ratio 1,
    /// dense top-1 minus the accuracy loss one is willing to accept). Points not strictly better than the reference in
    /// both coordinates add nothing; the points need not form a front (dominated ones add nothing either).
    /// </summary>
    /// <exception cref="ArgumentException">A point or the reference has a NaN or infinite coordinate.</exception>
    public static double Hypervolume(IEnumerable<ParetoPoint> points, double referenceCompressionRatio, double referenceTop1)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (!double.IsFinite(referenceCompressionRatio) || !double.IsFinite(referenceTop1))
            throw new ArgumentException(
                $"The reference point must be finite; got compression ratio {referenceCompressionRatio}, top-1 {referenceTop1}.",
                nameof(referenceCompressionRatio));

        var front = Compute(points);
        // Walk the front from the smallest compression ratio up: each point adds the strip between the previous
        // point's ratio and its own, as tall as its accuracy, since every point further along is less accurate.
        var area = 0.0;
        var left = referenceCompressionRatio;
        foreach (var point in front)
        {
            if (point.CompressionRatio <= left || point.Top1 <= referenceTop1) continue;
            area += (point.CompressionRatio - left) * (point.Top1 - referenceTop1);
            left = point.CompressionRatio;
        }
        return area;
    }

    private static void Validate(ParetoPoint point)
    {
        if (point is null) throw new ArgumentException("The points must not contain null.", "points");
        if (point.Id is null) throw new ArgumentException("A point has a null id.", "points");
        if (!double.IsFinite(point.CompressionRatio) || !double.IsFinite(point.Top1))
            throw new ArgumentException(
                $"Point '{point.Id}' has a non-finite coordinate (compression ratio {point.CompressionRatio}, top-1 {point.Top1}).",
                "points");
    }
}
