using FocusedQuantization.Compression.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace FocusedQuantization.Compression.Tests.Data;

/// <summary>Image folders and CIFAR files written by the tests: real files in the real formats, with known content.</summary>
internal static class GeneratedImages
{
    /// <summary>The pixel (x, y) of generated image <paramref name="index"/> of class <paramref name="label"/>: a smooth pattern that differs per image.</summary>
    public static Rgb24 Pixel(int label, int index, int x, int y) => new(
        (byte)((x * 3 + label * 25 + index * 7) % 256),
        (byte)((y * 3 + label * 11) % 256),
        (byte)((x + y + index * 13) % 256));

    /// <summary>An image of <paramref name="width"/> x <paramref name="height"/> with <see cref="Pixel"/>'s pattern.</summary>
    public static Image<Rgb24> Make(int label, int index, int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = Pixel(label, index, x, y);
        return image;
    }

    /// <summary>
    /// Writes <paramref name="root"/>/train and /val with <paramref name="classes"/> class folders ("class00", ...) of
    /// <paramref name="perClass"/> training and <paramref name="valPerClass"/> validation images, PNG when
    /// <paramref name="png"/>, else JPEG (quality 90).
    /// </summary>
    public static string ImageFolder(string root, int classes = 10, int perClass = 20, int valPerClass = 4, int size = 64, bool png = false)
    {
        foreach (var (part, count) in new[] { ("train", perClass), ("val", valPerClass) })
        {
            for (var c = 0; c < classes; c++)
            {
                var folder = Path.Combine(root, part, $"class{c:D2}");
                Directory.CreateDirectory(folder);
                for (var i = 0; i < count; i++)
                {
                    using var image = Make(c, i + (part == "val" ? 1000 : 0), size, size);
                    var path = Path.Combine(folder, $"img{i:D3}.{(png ? "png" : "jpg")}");
                    if (png) image.Save(path, new PngEncoder());
                    else image.Save(path, new JpegEncoder { Quality = 90 });
                }
            }
        }
        return root;
    }

    /// <summary>The bytes of one CIFAR image whose planes hold a known pattern.</summary>
    public static byte[] CifarPixels(int index)
    {
        var pixels = new byte[CifarFormat.PixelBytes];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)((i * 7 + index * 31) % 256);
        return pixels;
    }

    /// <summary>The label of CIFAR record <paramref name="index"/> of a file.</summary>
    public static int CifarLabel(int index, int classes) => (index * 3 + 1) % classes;

    /// <summary>
    /// Writes the files of <paramref name="format"/> into <paramref name="folder"/>: <paramref name="perFile"/> records
    /// in every training file and <paramref name="testRecords"/> in the test file; record r of a split (counted across
    /// its files) has <see cref="CifarPixels"/>(r) and <see cref="CifarLabel"/>(r). CIFAR-100's coarse label is 255 - r % 20.
    /// </summary>
    public static string Cifar(string folder, CifarFormat format, int perFile, int testRecords)
    {
        Directory.CreateDirectory(folder);
        void Write(IReadOnlyList<string> files, int records)
        {
            var index = 0;
            foreach (var file in files)
            {
                using var stream = File.Create(Path.Combine(folder, file));
                for (var r = 0; r < records; r++, index++)
                {
                    if (format.LabelBytes == 2) stream.WriteByte((byte)(255 - index % 20));
                    stream.WriteByte((byte)CifarLabel(index, format.Classes));
                    stream.Write(CifarPixels(index));
                }
            }
        }
        Write(format.TrainFiles, perFile);
        Write(format.TestFiles, testRecords);
        return folder;
    }
}
