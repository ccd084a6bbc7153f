namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// A (k+2)-bit shift quantizer: levels 0 and ±2^(e-Bias) for e = 0 .. 2^ExponentBits - 1.
/// Rounds to the nearest level in the linear domain and saturates at the top level.
/// </summary>
public sealed record ShiftQuantizer(int ExponentBits, int Bias)
{
    /// <summary>Number of distinct exponents, 2^ExponentBits.</summary>
    public int ExponentCount => 1 << ExponentBits;

    /// <summary>Smallest nonzero magnitude, 2^(-Bias).</summary>
    public float SmallestMagnitude => MathF.ScaleB(1f, -Bias);

    /// <summary>Largest magnitude, 2^(2^ExponentBits - 1 - Bias).</summary>
    public float LargestMagnitude => MathF.ScaleB(1f, ExponentCount - 1 - Bias);

    /// <summary>Quantizes one value.</summary>
    public float Quantize(float x)
    {
        var e = QuantizeExponent(x);
        return e < 0 ? 0f : MathF.CopySign(MathF.ScaleB(1f, e - Bias), x);
    }

    /// <summary>
    /// The exponent index e (0 .. ExponentCount - 1) of the level nearest to |x|, or -1 when x rounds to zero.
    /// </summary>
    public int QuantizeExponent(float x)
    {
        var magnitude = MathF.Abs(x);
        var smallest = SmallestMagnitude;
        // Below half the smallest level, zero is nearer; the tie goes to zero so that exact zeros stay zero.
        if (!(magnitude > 0.5f * smallest)) return -1;
        if (magnitude >= LargestMagnitude) return ExponentCount - 1;
        // Between 2^E and 2^(E+1) the midpoint is 1.5 * 2^E.
        var scaled = MathF.ScaleB(magnitude, Bias); // magnitude in units of the smallest level
        if (scaled < 1f) return 0;
        var floorExponent = MathF.ILogB(scaled);
        var lower = MathF.ScaleB(1f, floorExponent);
        var e = scaled >= 1.5f * lower ? floorExponent + 1 : floorExponent;
        return Math.Min(e, ExponentCount - 1);
    }
}
