using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Compression.Inference;

/// <summary>
/// A layer's weights in sparse shift form, built once from its symbols: per output row, the offset terms as
/// (input, left shift) pairs grouped by accumulator band, mixture component and sign, and in recentralized mode the
/// inputs whose weight is exactly a component's power-of-two mean. Pruned weights are not stored.
/// </summary>
/// <remarks>
/// Fixed point: a term with exponent e contributes x &lt;&lt; (e - BandLow(band)) to its band's long accumulator, one
/// unit of which is worth 2^(BandLow(band) - b). Every weight exponent becomes a left shift, so nothing is rounded
/// away. A band spans at most <see cref="BandWidth"/> exponents, which bounds |sum| by 2^62 for 8-bit inputs at this
/// fan-in; only 8-bit shift mode (64 exponents) can need a second band.
/// </remarks>
internal sealed class ShiftWeights
{
    private const int InputMagnitudeBits = 7; // |sbyte| <= 2^7
    private const string Parameter = "quantization";

    private readonly double[] bandUnit;
    private readonly double sigma;
    private readonly double[] meanValue;

    private ShiftWeights(
        LayerQuantization quantization, int rows, int rowLength, int bands, ShiftTerm[] terms, int[] termStart,
        int[] meanInputs, int[] meanStart, double[] bandUnit, double sigma, double[] meanValue, int nonzero)
    {
        Quantization = quantization;
        Rows = rows;
        RowLength = rowLength;
        Bands = bands;
        Components = quantization.Mode == QuantizationMode.Recentralized ? 2 : 1;
        Terms = terms;
        TermStart = termStart;
        MeanInputs = meanInputs;
        MeanStart = meanStart;
        this.bandUnit = bandUnit;
        this.sigma = sigma;
        this.meanValue = meanValue;
        NonzeroCount = nonzero;
    }

    public LayerQuantization Quantization { get; }

    public int Rows { get; }

    public int RowLength { get; }

    /// <summary>Number of fixed-point accumulators per output (1 unless the exponent range is too wide for one long).</summary>
    public int Bands { get; }

    /// <summary>Mixture components the terms are grouped by: 2 in recentralized mode, 1 in shift mode.</summary>
    public int Components { get; }

    /// <summary>
    /// Offset terms; segment ((row * Bands + band) * Components + component) * 2 + (0 = add, 1 = subtract) is
    /// Terms[TermStart[s] .. TermStart[s + 1]).
    /// </summary>
    public ShiftTerm[] Terms { get; }

    public int[] TermStart { get; }

    /// <summary>
    /// Inputs whose weight is exactly a component mean (offset 0), so they only feed that mean's sum; segment
    /// row * 2 + component is MeanInputs[MeanStart[s] .. MeanStart[s + 1]). Empty in shift mode.
    /// </summary>
    public int[] MeanInputs { get; }

    public int[] MeanStart { get; }

    public bool HasMeans => MeanStart.Length > 1;

    public int NonzeroCount { get; }

    /// <summary>Widest exponent span one band may hold so that a long accumulator cannot overflow at this fan-in.</summary>
    public static int BandWidth(int rowLength) =>
        62 - InputMagnitudeBits - 1 - CeilLog2(rowLength);

    /// <summary>Reads symbols laid out row-major as [rows, rowLength] and builds the sparse shift form.</summary>
    public static ShiftWeights Build(LayerQuantization quantization, ReadOnlySpan<int> symbols, int rows, int rowLength)
    {
        ArgumentNullException.ThrowIfNull(quantization);
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "A layer needs at least one output.");
        if (rowLength <= 0) throw new ArgumentOutOfRangeException(nameof(rowLength), rowLength, "A layer needs at least one input per output.");
        if ((long)rows * rowLength != symbols.Length)
            throw new ArgumentException(
                $"Expected {(long)rows * rowLength} symbols ({rows} x {rowLength}) but got {symbols.Length}.", nameof(symbols));
        Validate(quantization);

        var exponentCount = 1 << quantization.ExponentBits;
        var symbolCount = quantization.SymbolCount;
        var recentralized = quantization.Mode == QuantizationMode.Recentralized;

        // Pass 1: check every symbol and find the exponent range, which fixes the bands.
        int lowest = int.MaxValue, highest = int.MinValue;
        for (var i = 0; i < symbols.Length; i++)
        {
            var symbol = symbols[i];
            if ((uint)symbol >= (uint)symbolCount)
                throw new ArgumentException(
                    $"symbols[{i}] = {symbol} is outside this layer's alphabet 0..{symbolCount - 1} " +
                    $"({quantization.Mode}, {quantization.Bits} bits).", nameof(symbols));
            var d = Decode(symbol, exponentCount, recentralized);
            if (!d.HasOffset) continue;
            lowest = Math.Min(lowest, d.Exponent);
            highest = Math.Max(highest, d.Exponent);
        }
        var width = BandWidth(rowLength);
        if (lowest > highest) lowest = highest = 0;
        var bands = (highest - lowest) / width + 1;

        // Pass 2: count per segment; pass 3: fill (a counting sort keeps every row's terms contiguous).
        var components = recentralized ? 2 : 1;
        var termStart = new int[rows * bands * components * 2 + 1];
        var meanStart = new int[recentralized ? rows * 2 + 1 : 1];
        var nonzero = 0;
        for (var i = 0; i < symbols.Length; i++)
        {
            if (symbols[i] == 0) continue;
            nonzero++;
            var row = i / rowLength;
            var d = Decode(symbols[i], exponentCount, recentralized);
            if (d.HasOffset)
                termStart[TermSegment(row, bands, components, (d.Exponent - lowest) / width, d.Component, d.Negative) + 1]++;
            else
                meanStart[row * 2 + d.Component + 1]++;
        }
        for (var s = 1; s < termStart.Length; s++) termStart[s] += termStart[s - 1];
        for (var s = 1; s < meanStart.Length; s++) meanStart[s] += meanStart[s - 1];

        var terms = new ShiftTerm[termStart[^1]];
        var meanInputs = new int[meanStart[^1]];
        var termNext = termStart[..^1];
        var meanNext = meanStart[..^1];
        for (var i = 0; i < symbols.Length; i++)
        {
            if (symbols[i] == 0) continue;
            var row = i / rowLength;
            var input = i - row * rowLength;
            var d = Decode(symbols[i], exponentCount, recentralized);
            if (d.HasOffset)
            {
                var band = (d.Exponent - lowest) / width;
                terms[termNext[TermSegment(row, bands, components, band, d.Component, d.Negative)]++] =
                    new ShiftTerm(input, d.Exponent - lowest - band * width);
            }
            else
            {
                meanInputs[meanNext[row * 2 + d.Component]++] = input;
            }
        }

        var bandUnit = new double[bands];
        for (var band = 0; band < bands; band++)
            bandUnit[band] = Math.ScaleB(1.0, lowest + band * width - quantization.Bias);
        double[] means = recentralized ? [quantization.MuNegative, quantization.MuPositive] : [];
        var sigma = recentralized ? quantization.Sigma : 1.0;
        return new ShiftWeights(quantization, rows, rowLength, bands, terms, termStart, meanInputs, meanStart,
            bandUnit, sigma, means, nonzero);
    }

    /// <summary>Index of the term segment for one row, band, component and sign.</summary>
    public static int TermSegment(int row, int bands, int components, int band, int component, bool negative) =>
        ((row * bands + band) * components + component) * 2 + (negative ? 1 : 0);

    /// <summary>
    /// The per-output epilogue, run once per output and never per weight: turns the band accumulators and the
    /// component input sums into alpha * (sigma * offsets + mu- * sum- + mu+ * sum+), in units of the input scale.
    /// </summary>
    public double Combine(ReadOnlySpan<long> bandSums, long negativeSum, long positiveSum)
    {
        double offsets = 0;
        for (var band = 0; band < bandSums.Length; band++) offsets += bandSums[band] * bandUnit[band];
        var value = sigma * offsets;
        // The means are powers of two, so these products are exact exponent adjustments.
        if (meanValue.Length == 2) value += meanValue[0] * negativeSum + meanValue[1] * positiveSum;
        return Quantization.Alpha * value;
    }

    private static void Validate(LayerQuantization q)
    {
        if (q.Bits is < LayerQuantization.MinBits or > LayerQuantization.MaxBits)
            throw new ArgumentException(
                $"Bits = {q.Bits} is outside the supported {LayerQuantization.MinBits}..{LayerQuantization.MaxBits}.",
                Parameter);
        if (!float.IsFinite(q.Alpha)) throw new ArgumentException($"Alpha = {q.Alpha} is not finite.", Parameter);
        // Keep every level a normal double so the fixed point can represent it exactly.
        if (Math.Abs(q.Bias) > 900) throw new ArgumentException($"Bias = {q.Bias} is out of range.", Parameter);
        if (q.Mode != QuantizationMode.Recentralized) return;
        if (!float.IsFinite(q.Sigma)) throw new ArgumentException($"Sigma = {q.Sigma} is not finite.", Parameter);
        RequirePowerOfTwoOrZero(q.MuNegative, nameof(q.MuNegative));
        RequirePowerOfTwoOrZero(q.MuPositive, nameof(q.MuPositive));
    }

    private static void RequirePowerOfTwoOrZero(float mean, string name)
    {
        if (mean == 0f) return;
        var magnitude = MathF.Abs(mean);
        if (float.IsFinite(mean) && MathF.ScaleB(1f, MathF.ILogB(magnitude)) == magnitude) return;
        throw new ArgumentException(
            $"{name} = {mean} is not zero or ± a power of two; shift-only inference needs the planner to round the " +
            "component means to powers of two.", Parameter);
    }

    private static Decoded Decode(int symbol, int exponentCount, bool recentralized)
    {
        if (symbol == 0) return default;
        var component = 0;
        var local = symbol;
        if (recentralized)
        {
            component = (symbol - 1) / (2 * exponentCount + 1);
            local = (symbol - 1) % (2 * exponentCount + 1);
            if (local == 0) return new Decoded(component, false, false, 0);
        }
        var index = local - 1;
        return index < exponentCount
            ? new Decoded(component, true, false, index)
            : new Decoded(component, true, true, index - exponentCount);
    }

    private static int CeilLog2(int n) => n <= 1 ? 0 : 32 - int.LeadingZeroCount(n - 1);

    private readonly record struct Decoded(int Component, bool HasOffset, bool Negative, int Exponent);
}
