using System.Buffers.Binary;
using System.Text;

namespace FocusedQuantization.Compression.Coding;

/// <summary>Little-endian primitives of the .fqz format, appended to a memory buffer.</summary>
internal sealed class FqzWriter
{
    private readonly MemoryStream _buffer = new();

    public long Position => _buffer.Length;

    public void Bytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    public void Byte(byte value) => _buffer.WriteByte(value);

    public void UInt16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        Bytes(b);
    }

    public void UInt32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Bytes(b);
    }

    public void Single(float value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        Bytes(b);
    }

    public void Singles(ReadOnlySpan<float> values)
    {
        foreach (var v in values) Single(v);
    }

    /// <summary>Unsigned LEB128: 7 bits per byte, low bits first, high bit set on all but the last byte.</summary>
    public void VarUInt(ulong value)
    {
        while (value >= 0x80)
        {
            Byte((byte)(value | 0x80));
            value >>= 7;
        }
        Byte((byte)value);
    }

    /// <summary>Zig-zag mapped so that small negative numbers stay short.</summary>
    public void VarInt(long value) => VarUInt((ulong)((value << 1) ^ (value >> 63)));

    public void String(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        VarUInt((ulong)bytes.Length);
        Bytes(bytes);
    }

    public void Shape(int[] shape)
    {
        VarUInt((ulong)shape.Length);
        foreach (var d in shape) VarUInt((ulong)d);
    }

    public byte[] ToArray() => _buffer.ToArray();
}
