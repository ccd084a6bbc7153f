namespace FocusedQuantization.Compression.Coding;

/// <summary>Appends bits most-significant first into a growing byte buffer.</summary>
public sealed class BitWriter
{
    private byte[] _buffer;
    private long _bitCount;

    /// <summary>Creates a writer; <paramref name="initialCapacity"/> (bytes, default 256) only sizes the first buffer.</summary>
    public BitWriter(int initialCapacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = new byte[Math.Max(initialCapacity, 16)];
    }

    /// <summary>Number of bits written so far.</summary>
    public long BitCount => _bitCount;

    /// <summary>Number of bytes the bits written so far occupy (the last one zero-padded).</summary>
    public int ByteCount => checked((int)((_bitCount + 7) >> 3));

    /// <summary>Writes the low <paramref name="count"/> bits of <paramref name="value"/>, highest of them first.</summary>
    public void Write(uint value, int count)
    {
        if ((uint)count > 32) throw new ArgumentOutOfRangeException(nameof(count), count, "A write takes 0 to 32 bits.");
        EnsureCapacity(_bitCount + count);
        // A byte's worth at a time (at most 5 steps), not a bit at a time; bytes past the end are still zero.
        while (count > 0)
        {
            var free = 8 - (int)(_bitCount & 7);
            var take = Math.Min(free, count);
            var bits = (value >> (count - take)) & ((1u << take) - 1);
            _buffer[_bitCount >> 3] |= (byte)(bits << (free - take));
            _bitCount += take;
            count -= take;
        }
    }

    /// <summary>Writes one bit.</summary>
    public void WriteBit(bool bit) => Write(bit ? 1u : 0u, 1);

    /// <summary>The bytes written so far, the last one zero-padded.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, ByteCount).ToArray();

    private void EnsureCapacity(long bits)
    {
        var bytes = (bits + 7) >> 3;
        if (bytes <= _buffer.Length) return;
        if (bytes > Array.MaxLength) throw new InvalidOperationException("The bit stream outgrew the largest array .NET allows.");
        var size = (int)Math.Min(Array.MaxLength, Math.Max(bytes, 2L * _buffer.Length));
        Array.Resize(ref _buffer, size);
    }
}
