namespace FocusedQuantization.Compression.Inference;

/// <summary>
/// The per-weight loops of shift-only inference. Each one only shifts inputs left and adds or subtracts them into a
/// long accumulator: no multiplication touches a weight or an activation here (index arithmetic aside), which is
/// the point of the paper's section 6. Keep them this small so that this stays obvious by inspection.
/// </summary>
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

    /// <summary>Sum of x over the given inputs (the inputs sharing one power-of-two mean).</summary>
    public static long Sum(ReadOnlySpan<sbyte> x, ReadOnlySpan<int> inputs)
    {
        long sum = 0;
        foreach (var i in inputs) sum += x[i];
        return sum;
    }

    /// <summary>
    /// For one weight of a convolution: acc[oy, ox] += x[start + oy * rowStep + ox * stride] &lt;&lt; shift over the whole
    /// output plane (subtracting instead when <paramref name="subtract"/> is set).
    /// </summary>
    public static void AccumulatePlane(
        Span<long> acc, ReadOnlySpan<sbyte> x, int start, int shift, bool subtract,
        int outHeight, int outWidth, int stride, int rowStep)
    {
        var rowStart = start;
        var at = 0;
        for (var oy = 0; oy < outHeight; oy++, rowStart += rowStep)
        {
            var src = rowStart;
            var row = acc.Slice(at, outWidth);
            at += outWidth;
            if (subtract)
                for (var ox = 0; ox < row.Length; ox++, src += stride) row[ox] -= (long)x[src] << shift;
            else
                for (var ox = 0; ox < row.Length; ox++, src += stride) row[ox] += (long)x[src] << shift;
        }
    }
}
