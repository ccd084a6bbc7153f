using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using FocusedQuantization.Benchmarks.Quantization;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Benchmarks.Coding;

/// <summary>
/// Encoding and decoding the symbol stream of a planned ResNet-50 layer (589,824 symbols, 82.7 % zeros, 5-bit
/// recentralized: 35 symbols) in both coding modes, against Deflate (System.IO.Compression, fastest level) on the
/// same symbols as bytes, the general-purpose alternative. One operation = one symbol, so symbols per second =
/// bytes per second at one byte per symbol.
/// </summary>
public class EntropyCodingBenchmark
{
    private int[] symbols = null!;
    private byte[] symbolBytes = null!;
    private int symbolCount;
    private EncodedSymbolStream huffman = null!;
    private EncodedSymbolStream arithmetic = null!;
    private byte[] deflated = null!;
    private readonly byte[] inflated = new byte[RealisticLayer.Count];

    [GlobalSetup]
    public void Setup()
    {
        var layer = RealisticLayer.Create(QuantizationMode.Recentralized);
        symbols = layer.Symbols;
        symbolCount = layer.Plan.Parameters.SymbolCount;
        symbolBytes = symbols.Select(s => (byte)s).ToArray();
        huffman = SymbolStreamCoder.Encode(symbols, symbolCount, CodingMode.Paper);
        arithmetic = SymbolStreamCoder.Encode(symbols, symbolCount, CodingMode.ContextArithmetic);
        deflated = Deflate();
        if (!DecodeHuffman().AsSpan().SequenceEqual(symbols) || !DecodeArithmetic().AsSpan().SequenceEqual(symbols))
            throw new InvalidOperationException("A coder does not give back the symbols it coded.");
        Inflate();
        if (!inflated.AsSpan().SequenceEqual(symbolBytes)) throw new InvalidOperationException("Deflate round trip failed.");
    }

    /// <summary>Coded bits per symbol of each coder, for the report.</summary>
    public (double Huffman, double Arithmetic, double Deflate) BitsPerSymbol() =>
        ((double)huffman.TotalBits / symbols.Length, (double)arithmetic.TotalBits / symbols.Length, 8.0 * deflated.Length / symbols.Length);

    [Benchmark(Baseline = true, Description = "Deflate encode", OperationsPerInvoke = RealisticLayer.Count)]
    public byte[] Deflate()
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(symbolBytes);
        return output.ToArray();
    }

    [Benchmark(Description = "Deflate decode", OperationsPerInvoke = RealisticLayer.Count)]
    public int Inflate()
    {
        using var deflate = new DeflateStream(new MemoryStream(deflated), CompressionMode.Decompress);
        deflate.ReadExactly(inflated);
        return inflated[^1];
    }

    [Benchmark(Description = "Huffman encode", OperationsPerInvoke = RealisticLayer.Count)]
    public EncodedSymbolStream EncodeHuffman() => SymbolStreamCoder.Encode(symbols, symbolCount, CodingMode.Paper);

    [Benchmark(Description = "Huffman decode", OperationsPerInvoke = RealisticLayer.Count)]
    public int[] DecodeHuffman() =>
        SymbolStreamCoder.Decode(huffman.Table, huffman.Payload, symbolCount, symbols.Length, CodingMode.Paper);

    [Benchmark(Description = "arithmetic encode", OperationsPerInvoke = RealisticLayer.Count)]
    public EncodedSymbolStream EncodeArithmetic() => SymbolStreamCoder.Encode(symbols, symbolCount, CodingMode.ContextArithmetic);

    [Benchmark(Description = "arithmetic decode", OperationsPerInvoke = RealisticLayer.Count)]
    public int[] DecodeArithmetic() =>
        SymbolStreamCoder.Decode(arithmetic.Table, arithmetic.Payload, symbolCount, symbols.Length, CodingMode.ContextArithmetic);
}
