using CsCheck;
using FocusedQuantization.Compression.Coding;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

public sealed class CanonicalHuffmanCodeTests
{
    [Fact]
    public void Codes_are_assigned_canonically_from_the_lengths()
    {
        var code = CanonicalHuffmanCode.FromCodeLengths([2, 1, 3, 3]);
        // Shortest first, ties by symbol: 1 -> 0, 0 -> 10, 2 -> 110, 3 -> 111.
        Assert.Equal((0b0u, 1), (code.CodeOf(1), code.LengthOf(1)));
        Assert.Equal((0b10u, 2), (code.CodeOf(0), code.LengthOf(0)));
        Assert.Equal((0b110u, 3), (code.CodeOf(2), code.LengthOf(2)));
        Assert.Equal((0b111u, 3), (code.CodeOf(3), code.LengthOf(3)));
    }

    [Fact]
    public void Codes_of_built_tables_have_the_canonical_property()
    {
        Gen.Int[0, 300].Array[1, 140].Sample(frequencies =>
        {
            var code = CanonicalHuffmanCode.FromFrequencies(frequencies.Select(f => (long)f).ToArray());
            var used = Enumerable.Range(0, frequencies.Length).Where(s => code.LengthOf(s) > 0)
                .OrderBy(code.LengthOf).ThenBy(s => s).ToList();
            for (var i = 1; i < used.Count; i++)
            {
                // Each code is the previous one plus one, shifted left to its own length.
                var (a, b) = (used[i - 1], used[i]);
                Assert.Equal((code.CodeOf(a) + 1) << (code.LengthOf(b) - code.LengthOf(a)), code.CodeOf(b));
            }
            if (used.Count > 0) Assert.Equal(0u, code.CodeOf(used[0]));
        }, iter: 100, threads: 1);
    }

    [Fact]
    public void A_written_table_reads_back_as_the_same_lengths()
    {
        Gen.Int[0, 1000].Array[1, 140].Sample(frequencies =>
        {
            var code = CanonicalHuffmanCode.FromFrequencies(frequencies.Select(f => (long)f).ToArray());
            var writer = new BitWriter();
            code.WriteTable(writer);
            var back = CanonicalHuffmanCode.ReadTable(new BitReader(writer.ToArray(), writer.BitCount), frequencies.Length);
            Assert.Equal(code.CodeLengths.ToArray(), back.CodeLengths.ToArray());
        }, iter: 100, threads: 1);
    }

    [Fact]
    public void Lengths_that_do_not_form_a_complete_code_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => CanonicalHuffmanCode.FromCodeLengths([1, 2]));
        Assert.Throws<ArgumentException>(() => CanonicalHuffmanCode.FromCodeLengths([1, 1, 1]));
        Assert.Throws<ArgumentException>(() => CanonicalHuffmanCode.FromCodeLengths([2]));
    }

    [Fact]
    public void A_corrupt_table_is_reported_as_corrupt_data()
    {
        // '111' + 5 bits = 1, then '0' (same) twice: three 1-bit codes, an over-full code.
        var writer = new BitWriter();
        writer.Write(0b111_00001_0_0, 10);
        var error = Assert.Throws<InvalidDataException>(() => CanonicalHuffmanCode.ReadTable(new BitReader(writer.ToArray()), 3));
        Assert.Contains("corrupt", error.Message);
    }
}
