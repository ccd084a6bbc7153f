namespace FocusedQuantization.Compression.Coding;

/// <summary>
/// Adaptive context-modelled binary arithmetic coding of a symbol stream in which symbol 0 (the pruned weight)
/// dominates. Needs no code table: both sides learn the statistics as they go. Spends well under one bit on a zero
/// in a sparse stream, which per-symbol Huffman coding cannot. The model is described on docs/CODING.md: flags
/// and nonzero symbols are conditioned on the density of nonzeros among the last 32 symbols.
/// </summary>
public static class ContextArithmeticCoder
{
    /// <summary>Codes <paramref name="symbols"/>, each in 0 .. <paramref name="symbolCount"/> - 1.</summary>
    public static byte[] Encode(ReadOnlySpan<int> symbols, int symbolCount)
    {
        SymbolStreamCoder.CheckSymbols(symbols, symbolCount);
        var model = new ContextModel(symbolCount);
        var encoder = new BinaryRangeEncoder();
        foreach (var s in symbols) model.Encode(encoder, s);
        return encoder.Finish();
    }

    /// <summary>Decodes <paramref name="count"/> symbols from what <see cref="Encode"/> wrote.</summary>
    public static int[] Decode(ReadOnlyMemory<byte> payload, int symbolCount, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(symbolCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var model = new ContextModel(symbolCount);
        var decoder = new BinaryRangeDecoder(payload);
        var symbols = new int[count];
        for (var i = 0; i < symbols.Length; i++) symbols[i] = model.Decode(decoder);
        return symbols;
    }
}
