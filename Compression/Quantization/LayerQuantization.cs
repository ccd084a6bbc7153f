namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// Everything needed to turn one layer's symbols back into weights. The symbol alphabet is fixed by the mode:
/// <list type="bullet">
/// <item>Shift, n bits (k = n - 2 exponent bits, E = 2^k): 0 = zero; 1..E = +2^(e-b) with e = s - 1;
/// E+1..2E = -2^(e-b) with e = s - E - 1. Value = Alpha * level. Alphabet size 2E + 1.</item>
/// <item>Recentralized, n bits (k = n - 3, E = 2^k): 0 = pruned; for component c (Negative = 0, Positive = 1)
/// with base = 1 + c (2E + 1): base = offset 0; base + 1 .. base + E = offset +2^(e-b);
/// base + E + 1 .. base + 2E = offset -2^(e-b). Value = Alpha * (offset * Sigma + mu_c). Alphabet size 4E + 3.</item>
/// </list>
/// </summary>
public sealed record LayerQuantization(
    QuantizationMode Mode,
    int Bits,
    int Bias,
    float MuNegative,
    float MuPositive,
    float Sigma,
    float Alpha)
{
    /// <summary>Smallest and largest bit width the project supports.</summary>
    public const int MinBits = 3, MaxBits = 8;

    /// <summary>Exponent bits of the shift quantizer used inside this layer's mode.</summary>
    public int ExponentBits => Mode == QuantizationMode.Shift ? Bits - 2 : Bits - 3;

    /// <summary>The shift quantizer applied (to the weights, or to their normalised offsets from a mean).</summary>
    public ShiftQuantizer Shift => new(ExponentBits, Bias);

    /// <summary>Number of distinct symbols in this layer's stream.</summary>
    public int SymbolCount
    {
        get
        {
            var e = 1 << ExponentBits;
            return Mode == QuantizationMode.Shift ? 2 * e + 1 : 4 * e + 3;
        }
    }

    /// <summary>The weight value a symbol stands for.</summary>
    public float Dequantize(int symbol)
    {
        if ((uint)symbol >= (uint)SymbolCount) throw new ArgumentOutOfRangeException(nameof(symbol));
        if (symbol == 0) return 0f;
        var e = 1 << ExponentBits;
        if (Mode == QuantizationMode.Shift) return Alpha * ShiftLevel(symbol - 1, e);
        var component = (symbol - 1) / (2 * e + 1);
        var local = (symbol - 1) % (2 * e + 1);
        var mu = component == 0 ? MuNegative : MuPositive;
        var offset = local == 0 ? 0f : ShiftLevel(local - 1, e);
        return Alpha * (offset * Sigma + mu);
    }

    // index 0..E-1 positive exponents, E..2E-1 negative ones.
    private float ShiftLevel(int index, int exponentCount) =>
        index < exponentCount
            ? MathF.ScaleB(1f, index - Bias)
            : -MathF.ScaleB(1f, index - exponentCount - Bias);
}
