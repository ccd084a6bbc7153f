using FocusedQuantization.Search;

namespace FocusedQuantization.Benchmarks.Search;

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
                current = Hypervolume.Compute(front, reference);
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
