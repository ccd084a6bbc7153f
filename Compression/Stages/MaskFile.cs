using System.Text;

namespace FocusedQuantization.Compression.Stages;

/// <summary>
/// The pruning masks of a pruned checkpoint (true = kept), one per quantizable layer, as a small binary file:
/// "FQM1", the layer count, then per layer its name, its length and its bits packed eight to a byte.
/// </summary>
public static class MaskFile
{
    private static readonly byte[] Magic = "FQM1"u8.ToArray();

    /// <summary>Writes the masks in layer order.</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, bool[] Mask)> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(masks.Count);
        foreach (var (name, mask) in masks)
        {
            writer.Write(name);
            writer.Write(mask.Length);
            var packed = new byte[(mask.Length + 7) / 8];
            for (var i = 0; i < mask.Length; i++)
                if (mask[i]) packed[i >> 3] |= (byte)(1 << (i & 7));
            writer.Write(packed);
        }
    }

    /// <summary>Reads masks written by <see cref="Write"/>; <see cref="InvalidDataException"/> if the data is not such a file.</summary>
    public static IReadOnlyList<(string Name, bool[] Mask)> Read(Stream stream, string source = "stream")
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"'{source}' is not a mask file (it lacks the FQM1 header).");
            var count = reader.ReadInt32();
            if (count is < 0 or > 100_000) throw new InvalidDataException($"'{source}' claims {count} masks.");
            var masks = new List<(string, bool[])>(count);
            for (var l = 0; l < count; l++)
            {
                var name = reader.ReadString();
                var length = reader.ReadInt32();
                if (length < 0) throw new InvalidDataException($"'{source}': mask of {name} has a negative length.");
                var packed = reader.ReadBytes((length + 7) / 8);
                if (packed.Length != (length + 7) / 8) throw new InvalidDataException($"'{source}' is truncated in the mask of {name}.");
                var mask = new bool[length];
                for (var i = 0; i < length; i++) mask[i] = (packed[i >> 3] & (1 << (i & 7))) != 0;
                masks.Add((name, mask));
            }
            return masks;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{source}' is truncated.", e);
        }
    }
}
