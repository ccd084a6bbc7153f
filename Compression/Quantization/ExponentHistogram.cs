using System.Numerics;

namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// Counts nonzero values by m = ceil(log2 |x|), the smallest integer with |x| &lt;= 2^m, so that the number of
/// values overflowing a top level 2^t (|x| &gt; 2^t) is the count of m &gt; t. Lets the bias be chosen in one pass
/// without sorting or buffering the values.
/// </summary>
internal sealed class ExponentHistogram
{
    // ceil(log2 |x|) of a finite nonzero float lies in [-149, 128].
    private const int MinExponent = -149, MaxExponent = 128;
    private readonly long[] _counts = new long[MaxExponent - MinExponent + 1];

    /// <summary>Number of nonzero values added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds one value; zeros are ignored, non-finite values are rejected.</summary>
    public void Add(float x)
    {
        if (x == 0f) return;
        if (!float.IsFinite(x))
            throw new ArgumentException($"Cannot choose a shift bias for non-finite value {x}.", nameof(x));
        _counts[CeilLog2(x) - MinExponent]++;
        Count++;
    }

    /// <summary>Adds every value of a span.</summary>
    public void AddRange(ReadOnlySpan<float> values)
    {
        foreach (var x in values) Add(x);
    }

    /// <summary>
    /// The largest bias whose top level 2^(2^exponentBits - 1 - bias) is overflowed by at most floor(rate × Count)
    /// values. With no values, the bias that puts the top level at 1.
    /// </summary>
    public int ChooseBias(int exponentBits, double overflowRate)
    {
        var top = (1 << exponentBits) - 1;
        if (Count == 0) return top;
        var allowed = AllowedOverflow(overflowRate, Count);
        // Walk the candidate top exponent t down while the values above t - 1 still fit in the allowance.
        var t = MaxExponent;
        long above = 0;
        while (t > MinExponent && above + _counts[t - MinExponent] <= allowed)
        {
            above += _counts[t - MinExponent];
            t--;
        }
        return top - t;
    }

    /// <summary>The number of values allowed to overflow: floor(rate × count), guarded against rounding just below an integer.</summary>
    internal static long AllowedOverflow(double overflowRate, long count) =>
        (long)Math.Floor(overflowRate * count + 1e-9);

    /// <summary>ceil(log2 |x|) of a finite nonzero float, exactly.</summary>
    internal static int CeilLog2(float x)
    {
        var bits = BitConverter.SingleToInt32Bits(x) & 0x7FFFFFFF;
        var exponentField = bits >> 23;
        var mantissa = bits & 0x7FFFFF;
        if (exponentField == 0) // subnormal: |x| = mantissa * 2^-149
            return BitOperations.Log2((uint)mantissa) + (BitOperations.IsPow2(mantissa) ? 0 : 1) - 149;
        return exponentField - 127 + (mantissa == 0 ? 0 : 1);
    }
}
