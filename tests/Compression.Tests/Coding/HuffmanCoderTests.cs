using CsCheck;
using FocusedQuantization.Compression.Coding;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

public sealed class HuffmanCoderTests
{
    [Fact]
    public void Decoding_gives_back_exactly_the_encoded_symbols()
    {
        Gen.Select(Gen.Int[1, 140], Gen.Int[0, 3000], Gen.Double[0, 1], Gen.Int).Sample(t =>
        {
            var (symbolCount, length, zeros, seed) = t;
            var symbols = SparseStreams.Generate(length, zeros, symbolCount, seed);
            var coded = HuffmanCoder.Encode(symbols, symbolCount);
            Assert.Equal(symbols, HuffmanCoder.Decode(coded.Table, coded.Payload, symbolCount, symbols.Length));
        }, iter: 100, threads: 1);
    }

    [Fact]
    public void Average_code_length_is_within_one_bit_of_the_entropy()
    {
        Gen.Select(Gen.Int[2, 140], Gen.Double[0, 0.98], Gen.Int).Sample(t =>
        {
            var (symbolCount, zeros, seed) = t;
            var symbols = SparseStreams.Generate(5000, zeros, symbolCount, seed);
            var entropy = SparseStreams.Entropy(symbols);
            var average = (double)HuffmanCoder.Encode(symbols, symbolCount).PayloadBits / symbols.Length;
            Assert.InRange(average, entropy, entropy + 1);
        }, iter: 50, threads: 1);
    }

    [Fact]
    public void A_stream_of_one_repeated_symbol_costs_one_bit_per_symbol()
    {
        int[] symbols = [3, 3, 3, 3, 3];
        var coded = HuffmanCoder.Encode(symbols, 9);
        Assert.Equal(5, coded.PayloadBits);
        Assert.Equal(symbols, HuffmanCoder.Decode(coded.Table, coded.Payload, 9, 5));
    }

    [Fact]
    public void An_empty_stream_has_an_empty_payload_and_decodes_to_nothing()
    {
        var coded = HuffmanCoder.Encode([], 17);
        Assert.Equal(0, coded.PayloadBits);
        Assert.Empty(HuffmanCoder.Decode(coded.Table, coded.Payload, 17, 0));
    }

    [Fact]
    public void A_payload_too_short_for_the_stream_is_reported_as_corrupt_or_truncated()
    {
        var coded = HuffmanCoder.Encode([0, 1, 2, 1, 0, 0, 0, 2, 1, 0, 0, 0], 3);
        var error = Assert.Throws<InvalidDataException>(() => HuffmanCoder.Decode(coded.Table, coded.Payload[..1], 3, 12));
        Assert.Contains("corrupt or truncated", error.Message);
    }

    [Fact]
    public void Symbols_outside_the_alphabet_are_refused()
    {
        Assert.Throws<ArgumentException>(() => HuffmanCoder.Encode([0, 5], 5));
    }
}
