using System.Runtime.CompilerServices;

namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// The hot-loop form of <see cref="ShiftQuantizer.QuantizeExponent"/>: one multiply and integer arithmetic on the
/// float bits instead of ILogB/ScaleB. Gives the same exponent for every input; falls back to the quantizer for
/// biases whose scale 2^Bias is not a normal float.
/// </summary>
internal readonly struct ShiftKernel
{
    private readonly ShiftQuantizer? _quantizer; // only for biases outside the fast range
    private readonly float _scale;
    private readonly int _top;
    private readonly bool _fast;

    public ShiftKernel(int exponentBits, int bias)
    {
        _top = (1 << exponentBits) - 1;
        _fast = bias is >= -126 and <= 126;
        _scale = _fast ? MathF.ScaleB(1f, bias) : 0f;
        _quantizer = _fast ? null : new ShiftQuantizer(exponentBits, bias);
    }

    /// <summary>Number of exponents of the wrapped quantizer.</summary>
    public int ExponentCount => _top + 1;

    /// <summary>Exponent index of the nearest level, or -1 for zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Exponent(float x)
    {
        if (!_fast) return Slow(x);
        // Scaling by a power of two is exact, so the comparisons below match the quantizer's on |x|.
        var scaled = MathF.Abs(x) * _scale;
        if (!(scaled > 0.5f)) return -1;
        if (scaled < 1f) return 0;
        // Adding half a mantissa carries into the exponent field exactly when scaled >= 1.5 * 2^floor(log2 scaled).
        var e = ((BitConverter.SingleToInt32Bits(scaled) + 0x00400000) >> 23) - 127;
        return Math.Min(e, _top);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Slow(float x) => _quantizer!.QuantizeExponent(x);
}
