namespace FocusedQuantization.Compression.Coding;

/// <summary>Codes, decodes and measures a layer's symbol stream in either <see cref="CodingMode"/>.</summary>
public static class SymbolStreamCoder
{
    /// <summary>Codes <paramref name="symbols"/> (each in 0 .. <paramref name="symbolCount"/> - 1) in <paramref name="mode"/>.</summary>
    public static EncodedSymbolStream Encode(ReadOnlySpan<int> symbols, int symbolCount, CodingMode mode)
    {
        switch (mode)
        {
            case CodingMode.Paper:
                return HuffmanCoder.Encode(symbols, symbolCount);
            case CodingMode.ContextArithmetic:
                var payload = ContextArithmeticCoder.Encode(symbols, symbolCount);
                return new EncodedSymbolStream([], 0, payload, payload.Length * 8L);
            default:
                throw UnknownMode(mode);
        }
    }

    /// <summary>Decodes <paramref name="count"/> symbols coded in <paramref name="mode"/>.</summary>
    /// <exception cref="InvalidDataException">The coded data is not valid: it is corrupt or truncated.</exception>
    public static int[] Decode(ReadOnlyMemory<byte> table, ReadOnlyMemory<byte> payload, int symbolCount, int count, CodingMode mode) =>
        mode switch
        {
            CodingMode.Paper => HuffmanCoder.Decode(table, payload, symbolCount, count),
            CodingMode.ContextArithmetic => ContextArithmeticCoder.Decode(payload, symbolCount, count),
            _ => throw UnknownMode(mode),
        };

    /// <summary>
    /// The exact size the stream would take in <paramref name="mode"/>, without writing a file: table and payload
    /// bits (payloads of whole-byte coders count whole bytes).
    /// </summary>
    public static CodingCost Measure(ReadOnlySpan<int> symbols, int symbolCount, CodingMode mode)
    {
        var encoded = Encode(symbols, symbolCount, mode);
        return new CodingCost(mode, symbols.Length, encoded.TableBits, encoded.PayloadBits);
    }

    /// <summary>Order-0 empirical entropy of the stream in bits per symbol (0 for an empty stream).</summary>
    public static double OrderZeroEntropy(ReadOnlySpan<int> symbols, int symbolCount)
    {
        CheckSymbols(symbols, symbolCount);
        if (symbols.Length == 0) return 0;
        var counts = new long[symbolCount];
        foreach (var s in symbols) counts[s]++;
        double bits = 0;
        foreach (var c in counts)
            if (c > 0) bits -= c * Math.Log2((double)c / symbols.Length);
        return bits / symbols.Length;
    }

    internal static void CheckSymbols(ReadOnlySpan<int> symbols, int symbolCount)
    {
        if (symbolCount < 1) throw new ArgumentOutOfRangeException(nameof(symbolCount), symbolCount, "The alphabet needs at least one symbol.");
        for (var i = 0; i < symbols.Length; i++)
            if ((uint)symbols[i] >= (uint)symbolCount)
                throw new ArgumentException($"Symbol {symbols[i]} at position {i} is outside the alphabet 0..{symbolCount - 1}.", nameof(symbols));
    }

    private static ArgumentOutOfRangeException UnknownMode(CodingMode mode) =>
        new(nameof(mode), mode, "Unknown coding mode.");
}
