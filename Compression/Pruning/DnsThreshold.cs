using System.Numerics;

namespace FocusedQuantization.Compression.Pruning;

/// <summary>
/// The Dynamic Network Surgery threshold of a layer, t = mean(|W|) + alpha · std(|W|) over the whole weight tensor
/// (population standard deviation).
/// </summary>
public static class DnsThreshold
{
    /// <summary>The threshold for a given alpha.</summary>
    public static float Compute(ReadOnlySpan<float> weights, double alpha)
    {
        var (mean, deviation) = MagnitudeStatistics(weights);
        return At(mean, deviation, alpha);
    }

    /// <summary>Mean and population standard deviation of |w| over all weights, accumulated in double.</summary>
    public static (double Mean, double StandardDeviation) MagnitudeStatistics(ReadOnlySpan<float> weights)
    {
        if (weights.IsEmpty) throw new ArgumentException("A DNS threshold needs at least one weight.", nameof(weights));
        double sum = 0, squares = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && weights.Length >= Vector<float>.Count)
        {
            Vector<double> sums = Vector<double>.Zero, sumSquares = Vector<double>.Zero;
            for (; i <= weights.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                // Widening to double keeps the sums exact enough for layers of millions of weights.
                var magnitude = Vector.Abs(new Vector<float>(weights[i..]));
                Vector.Widen(magnitude, out var low, out var high);
                sums += low + high;
                sumSquares += low * low + high * high;
            }
            sum = Vector.Sum(sums);
            squares = Vector.Sum(sumSquares);
        }
        for (; i < weights.Length; i++)
        {
            double m = MathF.Abs(weights[i]);
            sum += m;
            squares += m * m;
        }
        if (!double.IsFinite(squares))
            throw new ArgumentException("The weights contain NaN or infinity.", nameof(weights));
        var mean = sum / weights.Length;
        var variance = Math.Max(squares / weights.Length - mean * mean, 0);
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>The threshold mean + alpha · deviation, as the float that masks are compared against.</summary>
    public static float At(double mean, double standardDeviation, double alpha) =>
        (float)(mean + alpha * standardDeviation);
}
