using System.Numerics;

namespace FocusedQuantization.Compression.Pruning;

/// <summary>
/// Dynamic Network Surgery masks: an initial cut at the threshold, then a hysteresis update on every step in
/// which pruned weights can come back. All methods work in place on caller-provided spans and do not allocate.
/// </summary>
public static class DnsPruner
{
    /// <summary>A pruned weight turns back on when |w| &gt; TurnOnFactor · t.</summary>
    public const float TurnOnFactor = 1.1f;

    /// <summary>A kept weight stays on while |w| &gt; StayOnFactor · t.</summary>
    public const float StayOnFactor = 0.9f;

    /// <summary>
    /// The mask of a one-shot cut: keeps |w| &gt; t. (DNS proper starts from all-kept and applies the update, which
    /// keeps |w| &gt; 0.9 t; cutting at t itself makes the starting sparsity the one <see cref="FindAlpha"/> targets.)
    /// </summary>
    public static void InitialMask(ReadOnlySpan<float> weights, float threshold, Span<bool> mask)
    {
        RequireSameLength(weights.Length, mask.Length);
        for (var i = 0; i < weights.Length; i++) mask[i] = MathF.Abs(weights[i]) > threshold;
    }

    /// <summary>
    /// The hysteresis update: a pruned weight turns on when |w| &gt; 1.1 t; a kept weight turns off when
    /// |w| &lt;= 0.9 t; in between, each keeps its state. Returns how many entries changed.
    /// </summary>
    public static int UpdateMask(ReadOnlySpan<float> weights, float threshold, Span<bool> mask)
    {
        RequireSameLength(weights.Length, mask.Length);
        var on = TurnOnFactor * threshold;
        var stay = StayOnFactor * threshold;
        var changed = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            var magnitude = MathF.Abs(weights[i]);
            var was = mask[i];
            var now = was ? magnitude > stay : magnitude > on;
            mask[i] = now;
            if (now != was) changed++;
        }
        return changed;
    }

    /// <summary>Writes w · mask, the weights the forward pass uses.</summary>
    public static void ApplyMask(ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask, Span<float> masked)
    {
        RequireSameLength(weights.Length, mask.Length);
        RequireSameLength(weights.Length, masked.Length);
        for (var i = 0; i < weights.Length; i++) masked[i] = mask[i] ? weights[i] : 0f;
    }

    /// <summary>Fraction of pruned entries (false) in a mask; 0 for an empty mask.</summary>
    public static double Sparsity(ReadOnlySpan<bool> mask)
    {
        if (mask.IsEmpty) return 0;
        var kept = mask.Count(true);
        return (double)(mask.Length - kept) / mask.Length;
    }

    /// <summary>
    /// Finds by bisection the alpha whose initial mask (|w| &gt; t) prunes a fraction of weights within
    /// <paramref name="tolerance"/> of <paramref name="targetSparsity"/>. Sparsity is a step function of alpha, so
    /// when ties in |w| make the target unreachable the closest sparsity found is returned (check
    /// <see cref="DnsAlphaSearchResult.Sparsity"/>). When all |w| are equal every threshold prunes all or nothing.
    /// </summary>
    /// <param name="weights">The layer's weights.</param>
    /// <param name="targetSparsity">Wanted fraction of pruned weights, in [0, 1].</param>
    /// <param name="tolerance">Acceptable distance from the target. Default 0.001.</param>
    public static DnsAlphaSearchResult FindAlpha(ReadOnlySpan<float> weights, double targetSparsity, double tolerance = 1e-3)
    {
        if (!(targetSparsity is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(targetSparsity), targetSparsity,
                $"The target sparsity must be in [0, 1], got {targetSparsity}.");
        if (!(tolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance,
                $"The tolerance must be non-negative, got {tolerance}.");
        var (mean, deviation) = DnsThreshold.MagnitudeStatistics(weights);
        if (deviation == 0)
        {
            // t = mean for every alpha, and |w| = mean everywhere: everything is pruned.
            return new DnsAlphaSearchResult(0, DnsThreshold.At(mean, 0, 0), 1);
        }

        var (smallest, largest) = MagnitudeRange(weights);
        // Below the smallest |w| nothing is pruned; at the largest everything is.
        double low = (smallest - mean) / deviation - 1, high = (largest - mean) / deviation + 1;
        var best = Evaluate(weights, mean, deviation, high);
        Consider(Evaluate(weights, mean, deviation, low), targetSparsity, ref best);
        for (var iteration = 0; iteration < 200 && Math.Abs(best.Sparsity - targetSparsity) > tolerance; iteration++)
        {
            var middle = 0.5 * (low + high);
            if (middle <= low || middle >= high) break; // the interval cannot shrink further in double
            var candidate = Evaluate(weights, mean, deviation, middle);
            Consider(candidate, targetSparsity, ref best);
            if (candidate.Sparsity < targetSparsity) low = middle;
            else high = middle;
        }
        return best;
    }

    /// <summary>Fraction of weights with |w| &lt;= t, i.e. pruned by the initial mask at t.</summary>
    public static double PrunedFraction(ReadOnlySpan<float> weights, float threshold)
    {
        if (weights.IsEmpty) return 0;
        long pruned = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && weights.Length >= Vector<float>.Count)
        {
            var t = new Vector<float>(threshold);
            var counts = Vector<int>.Zero;
            for (; i <= weights.Length - Vector<float>.Count; i += Vector<float>.Count)
                counts -= Vector.LessThanOrEqual(Vector.Abs(new Vector<float>(weights[i..])), t); // true lanes are -1
            pruned = Vector.Sum(counts);
        }
        for (; i < weights.Length; i++)
            if (MathF.Abs(weights[i]) <= threshold) pruned++;
        return (double)pruned / weights.Length;
    }

    private static DnsAlphaSearchResult Evaluate(ReadOnlySpan<float> weights, double mean, double deviation, double alpha)
    {
        var threshold = DnsThreshold.At(mean, deviation, alpha);
        return new DnsAlphaSearchResult(alpha, threshold, PrunedFraction(weights, threshold));
    }

    private static void Consider(DnsAlphaSearchResult candidate, double target, ref DnsAlphaSearchResult best)
    {
        if (Math.Abs(candidate.Sparsity - target) < Math.Abs(best.Sparsity - target)) best = candidate;
    }

    private static (float Smallest, float Largest) MagnitudeRange(ReadOnlySpan<float> weights)
    {
        float smallest = float.PositiveInfinity, largest = 0f;
        foreach (var w in weights)
        {
            var m = MathF.Abs(w);
            if (m < smallest) smallest = m;
            if (m > largest) largest = m;
        }
        return (smallest, largest);
    }

    private static void RequireSameLength(int weights, int other)
    {
        if (other != weights)
            throw new ArgumentException($"The spans differ in length: {weights} weights but {other} entries.");
    }
}
