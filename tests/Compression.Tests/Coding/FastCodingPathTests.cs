using FocusedQuantization.Compression.Coding;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

/// <summary>The fast paths of the coders (table-driven Huffman decoding, byte-wise bit writing, the saturated model
/// update) against the plain ones they replace.</summary>
public class FastCodingPathTests
{
    public static TheoryData<int, double, int, int> Streams => new()
    {
        { 100_000, 0.9, 17, 1 },   // sparse 5-bit shift: zero has the 1-bit code, runs
        { 50_000, 0.5, 65, 2 },    // denser 7-bit
        { 30_000, 0.0, 35, 3 },    // no zeros at all
        { 7, 0.8, 17, 4 },         // shorter than one window: only the bit-by-bit tail
        { 1_000, 1.0, 17, 5 },     // every symbol zero: a lone 1-bit code
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void Table_driven_Huffman_decoding_gives_the_symbols_of_the_bit_by_bit_decoder(int length, double zeros, int symbolCount, int seed)
    {
        var symbols = SparseStreams.Generate(length, zeros, symbolCount, seed);
        var encoded = HuffmanCoder.Encode(symbols, symbolCount);
        var code = CanonicalHuffmanCode.ReadTable(new BitReader(encoded.Table), symbolCount);

        var fast = new int[length];
        code.DecodeAll(encoded.Payload, fast);
        var reader = new BitReader(encoded.Payload);
        var plain = Enumerable.Range(0, length).Select(_ => code.Decode(reader)).ToArray();

        Assert.Equal(symbols, plain);
        Assert.Equal(plain, fast);
    }

    [Fact]
    public void Codes_longer_than_the_lookup_table_decode_the_same()
    {
        // Frequencies falling by half give codes of 1, 2, 3, ... bits: the rarest are far past the 11-bit table.
        var frequencies = Enumerable.Range(0, 18).Select(s => 1L << (18 - s)).ToArray();
        var code = CanonicalHuffmanCode.FromFrequencies(frequencies);
        Assert.True(code.CodeLengths.ToArray().Max() > 11);
        var random = new Random(6);
        var symbols = Enumerable.Range(0, 20_000).Select(_ => random.Next(18)).ToArray();
        var writer = new BitWriter();
        foreach (var s in symbols) code.Encode(s, writer);

        var fast = new int[symbols.Length];
        code.DecodeAll(writer.ToArray(), fast);

        Assert.Equal(symbols, fast);
    }

    [Fact]
    public void Corrupt_and_truncated_payloads_fail_as_the_bit_by_bit_decoder_does()
    {
        // A lone 1-bit code "0": any 1 bit matches nothing.
        var lone = CanonicalHuffmanCode.FromCodeLengths([1, 0, 0]);
        var corrupt = new byte[64];
        corrupt[40] = 0x80;
        var fastError = Assert.Throws<InvalidDataException>(() => lone.DecodeAll(corrupt, new int[512]));
        var reader = new BitReader(corrupt);
        var plainError = Assert.Throws<InvalidDataException>(() => { for (var i = 0; i < 512; i++) lone.Decode(reader); });
        Assert.Equal(plainError.Message, fastError.Message);

        var symbols = SparseStreams.Generate(10_000, 0.9, 17, 7);
        var encoded = HuffmanCoder.Encode(symbols, 17);
        var code = CanonicalHuffmanCode.ReadTable(new BitReader(encoded.Table), 17);
        var truncated = encoded.Payload.AsMemory(0, encoded.Payload.Length / 2);
        var error = Assert.Throws<InvalidDataException>(() => code.DecodeAll(truncated, new int[symbols.Length]));
        Assert.Contains("corrupt or truncated", error.Message);
    }

    [Fact]
    public void Writing_several_bits_at_once_gives_the_bytes_of_writing_them_one_by_one()
    {
        var random = new Random(8);
        var whole = new BitWriter(16);
        var single = new BitWriter(16);
        for (var n = 0; n < 5_000; n++)
        {
            var count = random.Next(0, 33);
            var value = (uint)random.NextInt64(0, 1L << 32);
            whole.Write(value, count);
            for (var b = count - 1; b >= 0; b--) single.WriteBit(((value >> b) & 1) != 0);
        }
        Assert.Equal(single.BitCount, whole.BitCount);
        Assert.Equal(single.ToArray(), whole.ToArray());
    }

    [Fact]
    public void The_adaptive_model_follows_the_krichevsky_trofimov_then_fixed_rate_update_exactly()
    {
        var model = new AdaptiveBitModel();
        var random = new Random(9);
        int probability = 1 << 23, observations = 0;
        for (var n = 0; n < 5_000; n++)
        {
            var bit = random.NextDouble() < 0.2 ? 1 : 0;
            model.Update(bit);
            // The rule as docs/CODING.md states it, with a plain division.
            probability += ((bit == 0 ? 0 : 1 << 24) - probability) / Math.Min(observations + 2, AdaptiveBitModel.RateLimit);
            if (observations < AdaptiveBitModel.RateLimit) observations++;
            var expected = (uint)Math.Clamp(65536 - (probability >> 8), 16, 65536 - 16);
            Assert.Equal(expected, model.ProbabilityOfZero16);
        }
    }
}
