using System.IO.Compression;

namespace FocusedQuantization.Compression.Tests.Data;

/// <summary>Builds small IDX files by hand for the data tests.</summary>
internal static class IdxTestFiles
{
    /// <summary>An IDX unsigned-byte file: 00 00 08 rank, big-endian sizes, then the data.</summary>
    public static byte[] Idx(int[] dimensions, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, 0x08, (byte)dimensions.Length };
        foreach (var size in dimensions)
            bytes.AddRange([(byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size]);
        bytes.AddRange(data);
        return [.. bytes];
    }

    /// <summary>N images of H x W whose pixel (n, r, c) is (n * 31 + r * 7 + c) mod 256.</summary>
    public static byte[] Images(int count, int height, int width)
    {
        var data = new byte[count * height * width];
        for (var n = 0; n < count; n++)
            for (var r = 0; r < height; r++)
                for (var c = 0; c < width; c++)
                    data[(n * height + r) * width + c] = (byte)((n * 31 + r * 7 + c) % 256);
        return Idx([count, height, width], data);
    }

    /// <summary>A label file of the given labels.</summary>
    public static byte[] Labels(params byte[] labels) => Idx([labels.Length], labels);

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(content);
        return output.ToArray();
    }

    /// <summary>A fresh empty directory under the system temp folder.</summary>
    public static string TempDirectory() => Directory.CreateTempSubdirectory("fq-data-tests-").FullName;
}
