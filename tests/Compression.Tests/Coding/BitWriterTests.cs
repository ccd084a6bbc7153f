using FocusedQuantization.Compression.Coding;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

public sealed class BitWriterTests
{
    [Fact]
    public void Bits_are_packed_most_significant_first_and_the_last_byte_is_zero_padded()
    {
        var writer = new BitWriter();
        writer.Write(0b101, 3);
        writer.Write(0b11110000_1, 9);
        Assert.Equal(12, writer.BitCount);
        Assert.Equal(new byte[] { 0b1011_1110, 0b0001_0000 }, writer.ToArray());
    }

    [Fact]
    public void Writing_more_than_32_bits_at_once_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BitWriter().Write(0, 33));
    }
}
