namespace FocusedQuantization.Compression.Coding;

/// <summary>Reads bits most-significant first from a byte buffer; reading past its end is an error.</summary>
public sealed class BitReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly long _bitLength;
    private long _position;

    /// <summary>Reads from <paramref name="data"/>; <paramref name="bitLength"/> (default: all its bits) bounds what may be read.</summary>
    public BitReader(ReadOnlyMemory<byte> data, long bitLength = -1)
    {
        var available = (long)data.Length * 8;
        if (bitLength > available) throw new ArgumentOutOfRangeException(nameof(bitLength), bitLength, "More bits than the buffer holds.");
        _data = data;
        _bitLength = bitLength < 0 ? available : bitLength;
    }

    /// <summary>Number of bits read so far.</summary>
    public long Position => _position;

    /// <summary>Number of bits left to read.</summary>
    public long Remaining => _bitLength - _position;

    /// <summary>Reads one bit.</summary>
    /// <exception cref="InvalidDataException">The stream ends first: the data is corrupt or truncated.</exception>
    public int ReadBit()
    {
        if (_position >= _bitLength) throw Truncated();
        var bit = (_data.Span[(int)(_position >> 3)] >> (7 - (int)(_position & 7))) & 1;
        _position++;
        return bit;
    }

    /// <summary>Reads <paramref name="count"/> bits (0 to 32) as an unsigned number, the first bit highest.</summary>
    /// <exception cref="InvalidDataException">The stream ends first: the data is corrupt or truncated.</exception>
    public uint Read(int count)
    {
        if ((uint)count > 32) throw new ArgumentOutOfRangeException(nameof(count), count, "A read takes 0 to 32 bits.");
        if (count > Remaining) throw Truncated();
        var span = _data.Span;
        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            value = (value << 1) | (uint)((span[(int)(_position >> 3)] >> (7 - (int)(_position & 7))) & 1);
            _position++;
        }
        return value;
    }

    private static InvalidDataException Truncated() =>
        new("The bit stream ended before the data it should hold: the data is corrupt or truncated.");
}
