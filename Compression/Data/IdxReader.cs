using System.Buffers.Binary;
using System.IO.Compression;

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// Reads IDX files (the MNIST format: big-endian header, unsigned-byte data), raw or gzip-compressed, and builds
/// <see cref="ImageDataset"/>s from an image file and a label file.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>
    /// Returns the file's bytes, gunzipped when the file starts with the gzip signature whatever its name.
    /// Throws <see cref="FileNotFoundException"/> if absent, <see cref="InvalidDataException"/> if the gzip data is corrupt.
    /// </summary>
    public static byte[] ReadDecompressed(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        var raw = File.ReadAllBytes(path);
        return IsGzip(raw) ? Gunzip(raw, path) : raw;
    }

    /// <summary>Reads and validates an IDX file (raw or gzip); see <see cref="Parse"/> for what is checked.</summary>
    public static IdxArray Read(string path) => Parse(ReadDecompressed(path), path);

    /// <summary>
    /// Parses decompressed IDX bytes: two zero bytes, type 0x08 (unsigned byte), 1 to 4 dimensions each at least 1,
    /// then exactly as many data bytes as the dimensions call for. Any departure is an <see cref="InvalidDataException"/>
    /// naming <paramref name="source"/> and the problem.
    /// </summary>
    public static IdxArray Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 4)
            throw Invalid(source, $"is {bytes.Length} bytes long, too short for the 4-byte IDX magic number");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw Invalid(source, $"does not start with an IDX magic number (first bytes {bytes[0]:X2} {bytes[1]:X2}, expected 00 00)");
        if (bytes[2] != UnsignedByteType)
            throw Invalid(source, $"holds IDX element type 0x{bytes[2]:X2}; only unsigned bytes (0x08) are supported");
        int rank = bytes[3];
        if (rank is < 1 or > 4)
            throw Invalid(source, $"declares {rank} dimensions; expected 1 to 4");
        var headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength)
            throw Invalid(source, $"is truncated inside its header ({bytes.Length} bytes, header needs {headerLength})");
        var dimensions = new int[rank];
        long expected = 1;
        for (var i = 0; i < rank; i++)
        {
            var size = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (size < 1) throw Invalid(source, $"declares dimension {i} of size {size}; sizes must be at least 1");
            dimensions[i] = size;
            expected *= size;
        }
        long actual = bytes.Length - headerLength;
        if (actual < expected)
            throw Invalid(source, $"is truncated: its header ({string.Join(" x ", dimensions)}) calls for {expected} data bytes but only {actual} follow");
        if (actual > expected)
            throw Invalid(source, $"has {actual - expected} unexpected bytes after the {expected} data bytes its header ({string.Join(" x ", dimensions)}) calls for");
        return new IdxArray(dimensions, bytes.AsMemory(headerLength));
    }

    /// <summary>
    /// Builds an <see cref="ImageDataset"/> from an IDX image file (N x H x W) and an IDX label file (N), pixels scaled
    /// by 1/255. Throws <see cref="InvalidDataException"/> if the shapes disagree or a label is not below
    /// <paramref name="classes"/>.
    /// </summary>
    public static ImageDataset ReadImageDataset(string imagesPath, string labelsPath, string name, int classes) =>
        ToImageDataset(Read(imagesPath), imagesPath, Read(labelsPath), labelsPath, name, classes);

    /// <summary>Reads an IDX label file (N) as longs, checking each label is below <paramref name="classes"/>.</summary>
    public static long[] ReadLabels(string labelsPath, int classes) => ToLabels(Read(labelsPath), labelsPath, classes);

    /// <summary>Builds an <see cref="ImageDataset"/> from already parsed image and label arrays; see <see cref="ReadImageDataset"/>.</summary>
    public static ImageDataset ToImageDataset(IdxArray images, string imagesSource, IdxArray labels, string labelsSource, string name, int classes)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Dimensions.Length != 3)
            throw Invalid(imagesSource, $"has {images.Dimensions.Length} dimensions; an image file needs 3 (count x rows x columns)");
        var labelValues = ToLabels(labels, labelsSource, classes);
        if (images.Count != labelValues.Length)
            throw new InvalidDataException(
                $"Image file '{imagesSource}' holds {images.Count} images but label file '{labelsSource}' holds {labelValues.Length} labels.");
        var source = images.Data.Span;
        var pixels = new float[source.Length];
        for (var i = 0; i < source.Length; i++) pixels[i] = source[i] / 255f;
        return new ImageDataset(name, pixels, labelValues, 1, images.Dimensions[1], images.Dimensions[2], classes);
    }

    /// <summary>Converts a parsed label array (N) to longs, checking each is below <paramref name="classes"/>.</summary>
    public static long[] ToLabels(IdxArray labels, string source, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Dimensions.Length != 1)
            throw Invalid(source, $"has {labels.Dimensions.Length} dimensions; a label file needs 1");
        var span = labels.Data.Span;
        var values = new long[span.Length];
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] >= classes) throw Invalid(source, $"holds label {span[i]} at index {i}; labels must be below {classes}");
            values[i] = span[i];
        }
        return values;
    }

    private static bool IsGzip(byte[] bytes) => bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;

    private static byte[] Gunzip(byte[] compressed, string source)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream(compressed.Length * 4);
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"IDX file '{source}' is not valid gzip data: {e.Message}", e);
        }
    }

    private static InvalidDataException Invalid(string source, string problem) => new($"IDX file '{source}' {problem}.");
}
