namespace FocusedQuantization.Compression.Inference;

/// <summary>
/// The per-weight loops of shift-only inference. Each one only shifts inputs left and adds or subtracts them into
/// long accumulators: no multiplication touches a weight or an activation here (index arithmetic aside), which is
/// the point of the paper's section 6. Keep them this small so that this stays obvious by inspection.
/// </summary>
/// <remarks>
/// The variants with a <c>sum</c> also add each plain input into its component's sum, so recentralized layers get
/// the mean part of x · Q from the same pass over their weights.
/// </remarks>
internal static class ShiftKernels
{
    /// <summary>acc + sum over terms of (x[input] &lt;&lt; shift).</summary>
    public static long AddShifted(long acc, ReadOnlySpan<sbyte> x, ReadOnlySpan<ShiftTerm> terms)
    {
        foreach (var t in terms) acc += (long)x[t.Input] << t.Shift;
        return acc;
    }

    /// <summary>acc - sum over terms of (x[input] &lt;&lt; shift).</summary>
    public static long SubtractShifted(long acc, ReadOnlySpan<sbyte> x, ReadOnlySpan<ShiftTerm> terms)
    {
        foreach (var t in terms) acc -= (long)x[t.Input] << t.Shift;
        return acc;
    }

    /// <summary>acc + sum over terms of (x[input] &lt;&lt; shift); also adds each x[input] to <paramref name="sum"/>.</summary>
    public static long AddShifted(long acc, ref long sum, ReadOnlySpan<sbyte> x, ReadOnlySpan<ShiftTerm> terms)
    {
        foreach (var t in terms)
        {
            long v = x[t.Input];
            sum += v;
            acc += v << t.Shift;
        }
        return acc;
    }

    /// <summary>acc - sum over terms of (x[input] &lt;&lt; shift); also adds each x[input] to <paramref name="sum"/>.</summary>
    public static long SubtractShifted(long acc, ref long sum, ReadOnlySpan<sbyte> x, ReadOnlySpan<ShiftTerm> terms)
    {
        foreach (var t in terms)
        {
            long v = x[t.Input];
            sum += v;
            acc -= v << t.Shift;
        }
        return acc;
    }

    /// <summary>Sum of x over the given inputs (weights that sit exactly on a power-of-two mean).</summary>
    public static long Sum(ReadOnlySpan<sbyte> x, ReadOnlySpan<int> inputs)
    {
        long sum = 0;
        foreach (var i in inputs) sum += x[i];
        return sum;
    }

    /// <summary>
    /// For one weight of a convolution, over the whole output plane: acc[oy, ox] ±= x[at] &lt;&lt; shift, with
    /// at = start + oy * rowStep + ox * stride; when <paramref name="sum"/> is not empty, also sum[oy, ox] += x[at].
    /// An empty <paramref name="acc"/> adds to the sum only.
    /// </summary>
    public static void AccumulatePlane(
        Span<long> acc, Span<long> sum, ReadOnlySpan<sbyte> x, int start, int shift, bool subtract,
        int outHeight, int outWidth, int stride, int rowStep)
    {
        var rowStart = start;
        for (int oy = 0, at = 0; oy < outHeight; oy++, rowStart += rowStep, at += outWidth)
        {
            var src = rowStart;
            if (acc.IsEmpty)
            {
                var sums = sum.Slice(at, outWidth);
                for (var ox = 0; ox < sums.Length; ox++, src += stride) sums[ox] += x[src];
            }
            else if (sum.IsEmpty)
            {
                var row = acc.Slice(at, outWidth);
                if (subtract)
                    for (var ox = 0; ox < row.Length; ox++, src += stride) row[ox] -= (long)x[src] << shift;
                else
                    for (var ox = 0; ox < row.Length; ox++, src += stride) row[ox] += (long)x[src] << shift;
            }
            else
            {
                var row = acc.Slice(at, outWidth);
                var sums = sum.Slice(at, outWidth);
                for (var ox = 0; ox < row.Length; ox++, src += stride)
                {
                    long v = x[src];
                    sums[ox] += v;
                    row[ox] = subtract ? row[ox] - (v << shift) : row[ox] + (v << shift);
                }
            }
        }
    }
}
