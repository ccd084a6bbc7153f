using FocusedQuantization.Compression.Coding;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

public sealed class BitReaderTests
{
    [Fact]
    public void Reading_gives_back_the_bits_most_significant_first()
    {
        var reader = new BitReader(new byte[] { 0b1011_1110, 0b0001_0000 });
        Assert.Equal(0b101u, reader.Read(3));
        Assert.Equal(0b11110000_1u, reader.Read(9));
        Assert.Equal(4, reader.Remaining);
    }

    [Fact]
    public void Reading_past_the_end_says_the_data_is_corrupt_or_truncated()
    {
        var reader = new BitReader(new byte[] { 0xFF }, bitLength: 5);
        reader.Read(4);
        reader.ReadBit();
        var error = Assert.Throws<InvalidDataException>(() => reader.ReadBit());
        Assert.Contains("corrupt or truncated", error.Message);
    }
}
