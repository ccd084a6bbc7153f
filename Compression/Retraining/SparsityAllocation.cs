namespace FocusedQuantization.Compression.Retraining;

/// <summary>
/// Splits an overall sparsity target among layers: a layer of n weights keeps a share proportional to 1/sqrt(n)
/// (capped at all of it), so large, redundant layers are pruned hardest and small ones, such as the first
/// convolution, keep most of their weights — the pattern Deep Compression and DNS found by hand.
/// </summary>
public static class SparsityAllocation
{
    /// <summary>Per-layer sparsities whose weighted mean is <paramref name="overallSparsity"/>.</summary>
    public static double[] Allocate(IReadOnlyList<int> layerSizes, double overallSparsity)
    {
        if (!(overallSparsity >= 0 && overallSparsity < 1))
            throw new ArgumentOutOfRangeException(nameof(overallSparsity), overallSparsity, "Sparsity must be in [0, 1).");
        if (layerSizes.Count == 0) return [];
        if (layerSizes.Any(n => n <= 0)) throw new ArgumentException("Every layer needs at least one weight.", nameof(layerSizes));

        double total = layerSizes.Sum(n => (double)n);
        var keepTarget = (1 - overallSparsity) * total;
        double Kept(double c) => layerSizes.Sum(n => Math.Min(1.0, c / Math.Sqrt(n)) * n);

        // Kept(c) rises monotonically from 0 to total, so bisection finds c.
        double low = 0, high = Math.Sqrt(layerSizes.Max());
        for (var i = 0; i < 100; i++)
        {
            var mid = 0.5 * (low + high);
            if (Kept(mid) < keepTarget) low = mid; else high = mid;
        }
        return layerSizes.Select(n => 1 - Math.Min(1.0, high / Math.Sqrt(n))).ToArray();
    }
}
