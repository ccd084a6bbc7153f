using System.Buffers.Binary;
using System.Text;

namespace FocusedQuantization.Compression.Coding;

/// <summary>Bounds-checked reading of .fqz primitives; every overrun or implausible length is reported as a corrupt file.</summary>
internal sealed class FqzReader(ReadOnlyMemory<byte> data)
{
    public int Position { get; private set; }

    public int Remaining => data.Length - Position;

    public ReadOnlyMemory<byte> Bytes(int count, string what)
    {
        if (count < 0 || count > Remaining) throw Corrupt($"{what} claims {count} bytes but only {Remaining} remain");
        var slice = data.Slice(Position, count);
        Position += count;
        return slice;
    }

    public byte Byte(string what) => Bytes(1, what).Span[0];

    public ushort UInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2, what).Span);

    public float Single(string what) => BinaryPrimitives.ReadSingleLittleEndian(Bytes(4, what).Span);

    public float[] Singles(int count, string what)
    {
        if (count < 0 || count > Remaining / 4) throw Corrupt($"{what} claims {count} float values but only {Remaining} bytes remain");
        var span = Bytes(count * 4, what).Span;
        var values = new float[count];
        for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
        return values;
    }

    public ulong VarUInt(string what)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte(what);
            if (shift == 63 && b > 1) break;
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw Corrupt($"{what} is not a valid variable-length number");
    }

    public int VarInt32(string what)
    {
        var raw = VarUInt(what);
        var value = (long)(raw >> 1) ^ -(long)(raw & 1);
        if (value is < int.MinValue or > int.MaxValue) throw Corrupt($"{what} = {value} is out of range");
        return (int)value;
    }

    /// <summary>A count or length that must not exceed <paramref name="max"/>.</summary>
    public int Length(string what, long max)
    {
        var value = VarUInt(what);
        if (value > (ulong)Math.Min(max, int.MaxValue)) throw Corrupt($"{what} = {value} exceeds the limit of {max}");
        return (int)value;
    }

    public string String(string what)
    {
        var length = Length($"length of {what}", Remaining);
        try
        {
            return new UTF8Encoding(false, true).GetString(Bytes(length, what).Span);
        }
        catch (DecoderFallbackException)
        {
            throw Corrupt($"{what} is not valid UTF-8");
        }
    }

    /// <summary>A shape and its element count, bounded by <paramref name="maxElements"/>.</summary>
    public (int[] Shape, int Count) Shape(string what, long maxElements)
    {
        var rank = Length($"rank of {what}", FqzFile.MaxRank);
        var shape = new int[rank];
        long count = 1;
        for (var i = 0; i < rank; i++)
        {
            shape[i] = Length($"dimension {i} of {what}", maxElements);
            count *= shape[i];
            if (count > maxElements) throw Corrupt($"{what} has more than {maxElements} elements");
        }
        return (shape, (int)count);
    }

    public static InvalidDataException Corrupt(string detail) =>
        new($"The .fqz file is corrupt or truncated: {detail}.");
}
