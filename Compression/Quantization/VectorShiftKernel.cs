using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// The SIMD form of <see cref="LayerSymbolizer"/>'s loops, lane for lane the same arithmetic as the scalar path
/// (same float operations in the same order, so results agree bit for bit). Usable when every level
/// ±2^(e - Bias) is a normal float, which covers any bias a real layer gets.
/// </summary>
internal readonly struct VectorShiftKernel
{
    private readonly Vector<float> _scale, _muNegative, _muPositive, _sigma, _alpha;
    private readonly Vector<int> _top, _exponentCount, _levelExponentOffset, _positiveBase;
    private readonly bool _recentralized;

    private VectorShiftKernel(LayerQuantization parameters)
    {
        var count = 1 << parameters.ExponentBits;
        _recentralized = parameters.Mode == QuantizationMode.Recentralized;
        _scale = new Vector<float>(MathF.ScaleB(1f, parameters.Bias));
        _muNegative = new Vector<float>(parameters.MuNegative);
        _muPositive = new Vector<float>(parameters.MuPositive);
        _sigma = new Vector<float>(parameters.Sigma);
        _alpha = new Vector<float>(parameters.Alpha);
        _top = new Vector<int>(count - 1);
        _exponentCount = new Vector<int>(count);
        _levelExponentOffset = new Vector<int>(127 - parameters.Bias);
        _positiveBase = new Vector<int>(2 * count + 1);
    }

    /// <summary>A kernel for these parameters, or null when SIMD is off or a level would not be a normal float.</summary>
    public static VectorShiftKernel? TryCreate(LayerQuantization parameters)
    {
        if (!Vector.IsHardwareAccelerated) return null;
        var top = (1 << parameters.ExponentBits) - 1;
        // Needs 2^Bias normal (for the exact scaling) and 2^(e - Bias) normal for every e in [0, top].
        return parameters.Bias is <= 126 && parameters.Bias >= top - 126 && parameters.Bias >= -126
            ? new VectorShiftKernel(parameters)
            : null;
    }

    /// <summary>Writes symbols for whole blocks and returns how many weights it covered; the caller does the tail.</summary>
    public int Symbolize(ReadOnlySpan<MixtureComponent> assignments, ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask, Span<int> symbols)
    {
        var components = _recentralized ? MemoryMarshal.Cast<MixtureComponent, int>(assignments) : default;
        var keep = MemoryMarshal.Cast<bool, byte>(mask);
        var lanes = Vector<float>.Count;
        var i = 0;
        for (; i <= weights.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            Widen(new Vector<byte>(keep[i..]), out var k0, out var k1, out var k2, out var k3);
            Symbols(weights, components, i, k0).CopyTo(symbols[i..]);
            Symbols(weights, components, i + lanes, k1).CopyTo(symbols[(i + lanes)..]);
            Symbols(weights, components, i + 2 * lanes, k2).CopyTo(symbols[(i + 2 * lanes)..]);
            Symbols(weights, components, i + 3 * lanes, k3).CopyTo(symbols[(i + 3 * lanes)..]);
        }
        return i;
    }

    /// <summary>Writes Q(w) for whole blocks and returns how many weights it covered; the caller does the tail.</summary>
    public int Quantize(ReadOnlySpan<MixtureComponent> assignments, ReadOnlySpan<float> weights, ReadOnlySpan<bool> mask, Span<float> quantized)
    {
        var components = _recentralized ? MemoryMarshal.Cast<MixtureComponent, int>(assignments) : default;
        var keep = MemoryMarshal.Cast<bool, byte>(mask);
        var lanes = Vector<float>.Count;
        var i = 0;
        for (; i <= weights.Length - Vector<byte>.Count; i += Vector<byte>.Count)
        {
            Widen(new Vector<byte>(keep[i..]), out var k0, out var k1, out var k2, out var k3);
            Values(weights, components, i, k0).CopyTo(quantized[i..]);
            Values(weights, components, i + lanes, k1).CopyTo(quantized[(i + lanes)..]);
            Values(weights, components, i + 2 * lanes, k2).CopyTo(quantized[(i + 2 * lanes)..]);
            Values(weights, components, i + 3 * lanes, k3).CopyTo(quantized[(i + 3 * lanes)..]);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(Vector<byte> bytes, out Vector<int> k0, out Vector<int> k1, out Vector<int> k2, out Vector<int> k3)
    {
        Vector.Widen(bytes, out var low, out var high);
        Vector.Widen(low, out var a, out var b);
        Vector.Widen(high, out var c, out var d);
        // Any nonzero byte is a kept weight: all-ones lanes for kept, zero for pruned.
        k0 = ~Vector.Equals(Vector.AsVectorInt32(a), Vector<int>.Zero);
        k1 = ~Vector.Equals(Vector.AsVectorInt32(b), Vector<int>.Zero);
        k2 = ~Vector.Equals(Vector.AsVectorInt32(c), Vector<int>.Zero);
        k3 = ~Vector.Equals(Vector.AsVectorInt32(d), Vector<int>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector<int> Symbols(ReadOnlySpan<float> weights, ReadOnlySpan<int> components, int at, Vector<int> keep)
    {
        var (x, negativeComponent) = Offsets(weights, components, at);
        var (exponent, nonzero) = Exponents(x);
        var negative = Vector.LessThan(Vector.AsVectorInt32(x), Vector<int>.Zero); // sign bit set
        // local = 1 + e (+ E when negative); 0 when x rounds to zero.
        var local = Vector.ConditionalSelect(nonzero,
            Vector<int>.One + exponent + (negative & _exponentCount), Vector<int>.Zero);
        var symbol = _recentralized
            ? Vector<int>.One + Vector.AndNot(_positiveBase, negativeComponent) + local
            : local;
        return symbol & keep;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector<float> Values(ReadOnlySpan<float> weights, ReadOnlySpan<int> components, int at, Vector<int> keep)
    {
        var (x, negativeComponent) = Offsets(weights, components, at);
        var (exponent, nonzero) = Exponents(x);
        // ±2^(e - Bias) assembled from its bits: biased exponent field plus the sign of x.
        var levelBits = Vector.ShiftLeft(exponent + _levelExponentOffset, 23)
                        | (Vector.AsVectorInt32(x) & new Vector<int>(int.MinValue));
        var level = Vector.AsVectorSingle(levelBits & nonzero);
        Vector<float> value;
        if (_recentralized)
        {
            var mu = Vector.ConditionalSelect(negativeComponent, _muNegative, _muPositive);
            value = _alpha * (level * _sigma + mu);
        }
        else
        {
            // Symbol 0 dequantizes to exactly 0, not alpha * 0 (which is -0 for a negative alpha).
            value = Vector.AsVectorSingle(Vector.AsVectorInt32(_alpha * level) & nonzero);
        }
        return Vector.AsVectorSingle(Vector.AsVectorInt32(value) & keep);
    }

    /// <summary>The values the shift quantizer sees: the weights, or (w - mu_c) / Sigma; and the Negative-component lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Vector<float> X, Vector<int> NegativeComponent) Offsets(ReadOnlySpan<float> weights, ReadOnlySpan<int> components, int at)
    {
        var w = new Vector<float>(weights[at..]);
        if (!_recentralized) return (w, Vector<int>.Zero);
        var negativeComponent = Vector.Equals(new Vector<int>(components[at..]), Vector<int>.Zero);
        var mu = Vector.ConditionalSelect(negativeComponent, _muNegative, _muPositive);
        return ((w - mu) / _sigma, negativeComponent);
    }

    /// <summary>Exponent index per lane (as <see cref="ShiftKernel.Exponent"/>) and the lanes that do not round to zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Vector<int> Exponent, Vector<int> Nonzero) Exponents(Vector<float> x)
    {
        var scaled = Vector.Abs(x) * _scale;
        var nonzero = Vector.GreaterThan(scaled, new Vector<float>(0.5f)); // false for NaN, like the scalar test
        var below = Vector.LessThan(scaled, Vector<float>.One);
        var exponent = Vector.ShiftRightArithmetic(Vector.AsVectorInt32(scaled) + new Vector<int>(0x00400000), 23)
                       - new Vector<int>(127);
        exponent = Vector.Min(exponent, _top);
        exponent = Vector.AndNot(exponent, below); // between half the smallest level and it: exponent 0
        return (exponent & nonzero, nonzero);
    }
}
