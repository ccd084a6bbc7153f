namespace FocusedQuantization.Compression.Coding;

/// <summary>Per-symbol canonical Huffman coding of a symbol stream, the coding the paper uses.</summary>
public static class HuffmanCoder
{
    /// <summary>Codes <paramref name="symbols"/> with a code built from their own frequencies (at most <paramref name="maxCodeLength"/> bits per code).</summary>
    public static EncodedSymbolStream Encode(ReadOnlySpan<int> symbols, int symbolCount, int maxCodeLength = HuffmanCodeLengths.DefaultMaxLength)
    {
        SymbolStreamCoder.CheckSymbols(symbols, symbolCount);
        var frequencies = new long[symbolCount];
        foreach (var s in symbols) frequencies[s]++;
        var code = CanonicalHuffmanCode.FromFrequencies(frequencies, maxCodeLength);

        var table = new BitWriter(64);
        code.WriteTable(table);
        var payload = new BitWriter((int)Math.Min(Array.MaxLength, symbols.Length / 4 + 16));
        foreach (var s in symbols) code.Encode(s, payload);
        return new EncodedSymbolStream(table.ToArray(), table.BitCount, payload.ToArray(), payload.BitCount);
    }

    /// <summary>Decodes <paramref name="count"/> symbols from a table and payload written by <see cref="Encode"/>.</summary>
    /// <exception cref="InvalidDataException">Table or payload is not valid: the data is corrupt or truncated.</exception>
    public static int[] Decode(ReadOnlyMemory<byte> table, ReadOnlyMemory<byte> payload, int symbolCount, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(symbolCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var code = CanonicalHuffmanCode.ReadTable(new BitReader(table), symbolCount);
        // Every code is at least one bit, so a short payload cannot hold the stream; checking first avoids a huge allocation.
        if (count > (long)payload.Length * 8)
            throw new InvalidDataException($"A Huffman payload of {payload.Length} bytes cannot hold {count} symbols: the data is corrupt or truncated.");
        if (count > 0 && code.CodeLengths.IndexOfAnyExcept((byte)0) < 0)
            throw new InvalidDataException("A Huffman table without codes precedes a nonempty stream: the data is corrupt.");
        var symbols = new int[count];
        code.DecodeAll(payload, symbols);
        return symbols;
    }
}
