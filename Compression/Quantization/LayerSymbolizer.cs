using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FocusedQuantization.Compression.Quantization;

/// <summary>
/// Maps weights to the symbols of <see cref="LayerQuantization"/> and back, with parameters and component
/// assignments held fixed. Allocation-free: every method writes into caller-provided spans, so it can run on
/// every training step.
/// </summary>
/// <remarks>
/// Symbols are taken from the raw weights, and a symbol's value is Alpha times its level, as in the paper's
/// Q(theta) = z alpha (Qshift((theta - mu_c) / sigma) sigma + mu_c). Pruned weights (mask false) map to symbol 0.
/// In shift mode the assignments are ignored and may be empty.
/// </remarks>
public static class LayerSymbolizer
{
    /// <summary>The symbol of one kept weight (component ignored in shift mode).</summary>
    public static int Symbol(LayerQuantization parameters, MixtureComponent component, float weight)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var kernel = new ShiftKernel(parameters.ExponentBits, parameters.Bias);
        return parameters.Mode == QuantizationMode.Shift
            ? ShiftSymbol(kernel, weight)
            : RecentralizedSymbol(kernel, component, weight, parameters.MuNegative, parameters.MuPositive, parameters.Sigma);
    }

    /// <summary>Writes the symbol of every weight into <paramref name="symbols"/>.</summary>
    public static void Symbolize(
        LayerQuantization parameters,
        ReadOnlySpan<MixtureComponent> assignments,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<bool> mask,
        Span<int> symbols)
    {
        Check(parameters, assignments, weights, mask, symbols.Length, nameof(symbols));
        var start = VectorShiftKernel.TryCreate(parameters) is { } simd
            ? simd.Symbolize(assignments, weights, mask, symbols)
            : 0;
        var kernel = new ShiftKernel(parameters.ExponentBits, parameters.Bias);
        if (parameters.Mode == QuantizationMode.Shift)
        {
            for (var i = start; i < weights.Length; i++)
                symbols[i] = mask[i] ? ShiftSymbol(kernel, weights[i]) : 0;
            return;
        }
        float muNegative = parameters.MuNegative, muPositive = parameters.MuPositive, sigma = parameters.Sigma;
        for (var i = start; i < weights.Length; i++)
            symbols[i] = mask[i] ? RecentralizedSymbol(kernel, assignments[i], weights[i], muNegative, muPositive, sigma) : 0;
    }

    /// <summary>Writes the value each symbol stands for, <see cref="LayerQuantization.Dequantize"/>, into <paramref name="values"/>.</summary>
    public static void Dequantize(LayerQuantization parameters, ReadOnlySpan<int> symbols, Span<float> values)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Recentralization.RequireSameLength(symbols.Length, values.Length, nameof(values));
        Span<float> levels = stackalloc float[parameters.SymbolCount];
        FillLevels(parameters, levels);
        // The gather covers whole blocks whose symbols are all in range; the loop below does the rest and the errors.
        var start = GatherLevels(levels, symbols, values);
        for (var i = start; i < symbols.Length; i++)
        {
            var s = symbols[i];
            if ((uint)s >= (uint)levels.Length)
                throw new ArgumentOutOfRangeException(nameof(symbols), s,
                    $"Symbol {s} at index {i} is outside this layer's alphabet of {levels.Length} symbols.");
            values[i] = levels[s];
        }
    }

    /// <summary>Writes Q(w), the value the model uses for each weight (0 for pruned ones), into <paramref name="quantized"/>.</summary>
    public static void Quantize(
        LayerQuantization parameters,
        ReadOnlySpan<MixtureComponent> assignments,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<bool> mask,
        Span<float> quantized)
    {
        Check(parameters, assignments, weights, mask, quantized.Length, nameof(quantized));
        var start = VectorShiftKernel.TryCreate(parameters) is { } simd
            ? simd.Quantize(assignments, weights, mask, quantized)
            : 0;
        if (start == weights.Length) return;
        Span<float> levels = stackalloc float[parameters.SymbolCount];
        FillLevels(parameters, levels);
        var kernel = new ShiftKernel(parameters.ExponentBits, parameters.Bias);
        if (parameters.Mode == QuantizationMode.Shift)
        {
            for (var i = start; i < weights.Length; i++)
                quantized[i] = mask[i] ? levels[ShiftSymbol(kernel, weights[i])] : 0f;
            return;
        }
        float muNegative = parameters.MuNegative, muPositive = parameters.MuPositive, sigma = parameters.Sigma;
        for (var i = start; i < weights.Length; i++)
            quantized[i] = mask[i]
                ? levels[RecentralizedSymbol(kernel, assignments[i], weights[i], muNegative, muPositive, sigma)]
                : 0f;
    }

    /// <summary>
    /// Writes |w - Q(w)| for each weight into <paramref name="errors"/>. A pruned weight's Q(w) is 0, so its error is
    /// |w|; incremental fine-tuning should rank only the kept weights.
    /// </summary>
    public static void QuantizationError(
        LayerQuantization parameters,
        ReadOnlySpan<MixtureComponent> assignments,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<bool> mask,
        Span<float> errors)
    {
        Quantize(parameters, assignments, weights, mask, errors);
        for (var i = 0; i < weights.Length; i++) errors[i] = MathF.Abs(weights[i] - errors[i]);
    }

    /// <summary>
    /// values[i] = levels[symbols[i]] for 8 symbols at a time (AVX2 gather) while every symbol of a block is in the
    /// alphabet; returns where it stopped (0 without AVX2), the same table lookups as the scalar loop.
    /// </summary>
    private static unsafe int GatherLevels(ReadOnlySpan<float> levels, ReadOnlySpan<int> symbols, Span<float> values)
    {
        if (!Avx2.IsSupported) return 0;
        var count = Vector256.Create((uint)levels.Length);
        var i = 0;
        fixed (float* table = levels)
        fixed (int* source = symbols)
        fixed (float* target = values)
        {
            for (; i <= symbols.Length - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var s = Avx.LoadVector256(source + i);
                if (!Vector256.LessThanAll(s.AsUInt32(), count)) break;
                Avx.Store(target + i, Avx2.GatherVector256(table, s, 4));
            }
        }
        return i;
    }

    private static void FillLevels(LayerQuantization parameters, Span<float> levels)
    {
        for (var s = 0; s < levels.Length; s++) levels[s] = parameters.Dequantize(s);
    }

    private static int ShiftSymbol(in ShiftKernel kernel, float weight)
    {
        var e = kernel.Exponent(weight);
        if (e < 0) return 0;
        return float.IsNegative(weight) ? 1 + kernel.ExponentCount + e : 1 + e;
    }

    private static int RecentralizedSymbol(
        in ShiftKernel kernel, MixtureComponent component, float weight, float muNegative, float muPositive, float sigma)
    {
        var negative = component == MixtureComponent.Negative;
        // Same expression as RecentralizedQuantizer.Quantize, so both agree to the last bit.
        var offset = (weight - (negative ? muNegative : muPositive)) / sigma;
        var e = kernel.Exponent(offset);
        var count = kernel.ExponentCount;
        var local = e < 0 ? 0 : float.IsNegative(offset) ? 1 + count + e : 1 + e;
        return 1 + (negative ? 0 : 2 * count + 1) + local;
    }

    private static void Check(
        LayerQuantization parameters,
        ReadOnlySpan<MixtureComponent> assignments,
        ReadOnlySpan<float> weights,
        ReadOnlySpan<bool> mask,
        int outputLength,
        string outputName)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Recentralization.RequireSameLength(weights.Length, mask.Length, nameof(mask));
        Recentralization.RequireSameLength(weights.Length, outputLength, outputName);
        if (parameters.Mode == QuantizationMode.Recentralized)
            Recentralization.RequireSameLength(weights.Length, assignments.Length, nameof(assignments));
    }
}
