using CsCheck;
using FocusedQuantization.Compression.Coding;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

public sealed class ContextArithmeticCoderTests
{
    [Fact]
    public void Decoding_gives_back_exactly_the_encoded_symbols()
    {
        Gen.Select(Gen.Int[1, 140], Gen.Int[0, 3000], Gen.Double[0, 1], Gen.Int).Sample(t =>
        {
            var (symbolCount, length, zeros, seed) = t;
            var symbols = SparseStreams.Generate(length, zeros, symbolCount, seed);
            var payload = ContextArithmeticCoder.Encode(symbols, symbolCount);
            Assert.Equal(symbols, ContextArithmeticCoder.Decode(payload, symbolCount, symbols.Length));
        }, iter: 100, threads: 1);
    }

    [Fact]
    public void Uniformly_random_symbols_over_any_alphabet_round_trip()
    {
        Gen.Select(Gen.Int[1, 300], Gen.Int).Sample(t =>
        {
            var (symbolCount, seed) = t;
            var random = new Random(seed);
            var symbols = Enumerable.Range(0, 2000).Select(_ => random.Next(symbolCount)).ToArray();
            var payload = ContextArithmeticCoder.Encode(symbols, symbolCount);
            Assert.Equal(symbols, ContextArithmeticCoder.Decode(payload, symbolCount, symbols.Length));
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void Edge_case_streams_round_trip()
    {
        int[][] streams = [[], [0], [16], [.. Enumerable.Repeat(0, 10_000)], [.. Enumerable.Repeat(16, 3000)], [16, 0, 1, 0, 16, 16]];
        foreach (var symbols in streams)
        {
            var payload = ContextArithmeticCoder.Encode(symbols, 17);
            Assert.Equal(symbols, ContextArithmeticCoder.Decode(payload, 17, symbols.Length));
        }
    }

    [Fact]
    public void An_all_zero_stream_costs_almost_nothing()
    {
        var payload = ContextArithmeticCoder.Encode(new int[100_000], 17);
        Assert.Empty(payload);
    }

    [Fact]
    public void On_a_stream_of_ninety_percent_zeros_it_beats_huffman_and_spends_under_one_bit_per_symbol()
    {
        var symbols = SparseStreams.Generate(50_000, 0.9, 17, seed: 7);
        var arithmetic = ContextArithmeticCoder.Encode(symbols, 17).Length * 8.0 / symbols.Length;
        var huffman = (double)HuffmanCoder.Encode(symbols, 17).TotalBits / symbols.Length;
        Assert.True(arithmetic < 1.0, $"{arithmetic:F3} bits per symbol");
        Assert.True(arithmetic < huffman - 0.3, $"arithmetic {arithmetic:F3} vs Huffman {huffman:F3}");
    }

    [Fact]
    public void On_independent_symbols_it_comes_within_two_percent_of_the_order_zero_entropy()
    {
        foreach (var zeros in new[] { 0.8, 0.9, 0.95 })
        {
            var symbols = SparseStreams.Generate(100_000, zeros, 17, seed: 3);
            var entropy = SparseStreams.Entropy(symbols);
            var bits = ContextArithmeticCoder.Encode(symbols, 17).Length * 8.0 / symbols.Length;
            Assert.InRange(bits, entropy, entropy * 1.02);
        }
    }

    [Fact]
    public void Clustered_zeros_are_coded_below_the_order_zero_entropy()
    {
        // Rows alternate between dense and nearly empty, as filters of a pruned layer do.
        var random = new Random(11);
        var symbols = Enumerable.Range(0, 200).SelectMany(row =>
            SparseStreams.Generate(500, row % 2 == 0 ? 0.6 : 0.99, 17, random.Next())).ToArray();
        var entropy = SparseStreams.Entropy(symbols);
        var bits = ContextArithmeticCoder.Encode(symbols, 17).Length * 8.0 / symbols.Length;
        Assert.True(bits < 0.9 * entropy, $"{bits:F3} bits per symbol against an entropy of {entropy:F3}");
    }
}
