using FocusedQuantization.Compression.Coding;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

public sealed class SymbolStreamCoderTests
{
    [Theory]
    [InlineData(CodingMode.Paper)]
    [InlineData(CodingMode.ContextArithmetic)]
    public void Both_modes_round_trip(CodingMode mode)
    {
        var symbols = SparseStreams.Generate(4000, 0.85, 35, seed: 5);
        var coded = SymbolStreamCoder.Encode(symbols, 35, mode);
        Assert.Equal(symbols, SymbolStreamCoder.Decode(coded.Table, coded.Payload, 35, symbols.Length, mode));
    }

    [Fact]
    public void Measured_cost_is_the_size_of_the_coded_stream()
    {
        var symbols = SparseStreams.Generate(4000, 0.9, 17, seed: 9);
        var huffman = SymbolStreamCoder.Measure(symbols, 17, CodingMode.Paper);
        var coded = HuffmanCoder.Encode(symbols, 17);
        Assert.Equal((coded.TableBits, coded.PayloadBits), (huffman.TableBits, huffman.PayloadBits));
        var arithmetic = SymbolStreamCoder.Measure(symbols, 17, CodingMode.ContextArithmetic);
        Assert.Equal(0, arithmetic.TableBits);
        Assert.Equal(ContextArithmeticCoder.Encode(symbols, 17).Length * 8L, arithmetic.PayloadBits);
        Assert.Equal((double)arithmetic.TotalBits / 4000, arithmetic.BitsPerSymbol);
    }

    [Fact]
    public void Order_zero_entropy_matches_a_hand_computed_value()
    {
        // Counts 2, 1, 1 of 4: 0.5 * 1 + 0.25 * 2 + 0.25 * 2 = 1.5 bits.
        Assert.Equal(1.5, SymbolStreamCoder.OrderZeroEntropy([0, 1, 0, 2], 3), 12);
        Assert.Equal(0, SymbolStreamCoder.OrderZeroEntropy([], 3));
    }
}
