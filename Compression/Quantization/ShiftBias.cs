namespace FocusedQuantization.Compression.Quantization;

/// <summary>Chooses the bias of a shift quantizer from the overflow rate of the values it will quantize.</summary>
public static class ShiftBias
{
    /// <summary>
    /// The paper's default overflow rate 1/(2^n + 1), with n = exponentBits + 2 the total width of the shift quantizer.
    /// </summary>
    public static double DefaultOverflowRate(int exponentBits)
    {
        ValidateExponentBits(exponentBits);
        return 1.0 / ((1L << (exponentBits + 2)) + 1);
    }

    /// <summary>
    /// The largest bias (smallest top level 2^(2^exponentBits - 1 - bias)) such that at most floor(overflowRate × N)
    /// of the N nonzero values have |x| above the top level; those values saturate. Zeros are ignored. When every
    /// value is zero any bias quantizes them exactly, and the one returned puts the top level at 1
    /// (bias = 2^exponentBits - 1).
    /// </summary>
    /// <param name="values">The values to be quantized.</param>
    /// <param name="exponentBits">k, the exponent bits of the shift quantizer (it is k + 2 bits wide).</param>
    /// <param name="overflowRate">Fraction in [0, 1) of nonzero values allowed to overflow; null = <see cref="DefaultOverflowRate"/>.</param>
    public static int Choose(ReadOnlySpan<float> values, int exponentBits, double? overflowRate = null)
    {
        var rate = ResolveRate(exponentBits, overflowRate);
        var histogram = new ExponentHistogram();
        histogram.AddRange(values);
        return histogram.ChooseBias(exponentBits, rate);
    }

    /// <summary>A shift quantizer with <paramref name="exponentBits"/> whose bias is chosen by <see cref="Choose"/>.</summary>
    public static ShiftQuantizer Fit(ReadOnlySpan<float> values, int exponentBits, double? overflowRate = null) =>
        new(exponentBits, Choose(values, exponentBits, overflowRate));

    /// <summary>Checks an explicit rate or supplies the default one.</summary>
    internal static double ResolveRate(int exponentBits, double? overflowRate)
    {
        ValidateExponentBits(exponentBits);
        if (overflowRate is not { } rate) return DefaultOverflowRate(exponentBits);
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentOutOfRangeException(nameof(overflowRate), rate,
                $"The overflow rate must be in [0, 1), got {rate}.");
        return rate;
    }

    private static void ValidateExponentBits(int exponentBits)
    {
        if (exponentBits is < 0 or > 16)
            throw new ArgumentOutOfRangeException(nameof(exponentBits), exponentBits,
                $"A shift quantizer needs between 0 and 16 exponent bits, got {exponentBits}.");
    }
}
