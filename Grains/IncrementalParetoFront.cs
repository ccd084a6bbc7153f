using FocusedQuantization.Grains.Interfaces;

namespace FocusedQuantization.Grains;

/// <summary>
/// The non-dominated points of a growing set, kept as points arrive: a new point is ignored when a front point
/// dominates it, else it joins and drops the points it dominates. Equal points do not dominate each other (all are kept),
/// as in <see cref="ParetoFront.Compute"/>, whose front this always equals. Work per point is linear in the front's size,
/// which stays small, not in the number of points seen.
/// </summary>
/// <remarks>
/// A front under a minimum top-1 is this front filtered by it: a point that dominates one at or above the minimum is
/// itself at or above it, so no point of the constrained front is hidden by one outside it.
/// </remarks>
public sealed class IncrementalParetoFront
{
    private readonly List<ParetoPoint> _points = [];

    /// <summary>The front, in no particular order.</summary>
    public IReadOnlyList<ParetoPoint> Points => _points;

    /// <summary>Offers a point; true when the front changed (the point joined). Points with a non-finite coordinate are ignored.</summary>
    public bool Add(ParetoPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (!double.IsFinite(point.CompressionRatio) || !double.IsFinite(point.Top1)) return false;
        foreach (var existing in _points)
            if (Dominates(existing, point)) return false;
        _points.RemoveAll(existing => Dominates(point, existing));
        _points.Add(point);
        return true;
    }

    /// <summary>The front's points with top-1 at least <paramref name="minimumTop1"/>, ordered as <see cref="ParetoFront.Compute"/> orders them.</summary>
    public IReadOnlyList<ParetoPoint> Ordered(double minimumTop1 = double.NegativeInfinity) =>
        ParetoFront.Compute(_points.Where(p => p.Top1 >= minimumTop1));

    private static bool Dominates(ParetoPoint a, ParetoPoint b) =>
        a.CompressionRatio >= b.CompressionRatio && a.Top1 >= b.Top1 && (a.CompressionRatio > b.CompressionRatio || a.Top1 > b.Top1);
}
