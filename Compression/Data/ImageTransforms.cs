using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FocusedQuantization.Compression.Data;

/// <summary>
/// Decoding and the standard ImageNet transforms, as torchvision 0.14 does them on PIL images: training is
/// RandomResizedCrop(size, scale 0.08-1, ratio 3/4-4/3, bilinear) and a horizontal flip with probability 1/2;
/// evaluation is Resize(shorter side to 256/224 of the size, bilinear), CenterCrop(size). Both end with ToTensor and
/// Normalize, written straight into a C x size x size float buffer. Bilinear resizing widens its kernel when it shrinks,
/// as PIL's does (antialiased).
/// </summary>
public sealed class ImageTransforms
{
    private static readonly double LogRatioLow = Math.Log(3.0 / 4.0);
    private static readonly double LogRatioHigh = Math.Log(4.0 / 3.0);
    private readonly float[][] tables;
    private readonly Configuration configuration;

    /// <summary>Transforms to <paramref name="size"/>-pixel squares, evaluation resizing the shorter side to <paramref name="resize"/>.</summary>
    public ImageTransforms(int size, int resize, ImageNormalization normalization)
    {
        if (size < 1) throw new ArgumentException($"The crop size must be at least 1, got {size}.");
        if (resize < size) throw new ArgumentException($"The evaluation resize ({resize}) must not be below the crop size ({size}).");
        Size = size;
        Resize = resize;
        Normalization = normalization;
        tables = normalization.Tables();
        // The caller decodes many images in parallel; ImageSharp's own row parallelism would only fight it.
        configuration = Configuration.Default.Clone();
        configuration.MaxDegreeOfParallelism = 1;
    }

    /// <summary>The side of the square output.</summary>
    public int Size { get; }

    /// <summary>The shorter side evaluation resizes to before the centre crop.</summary>
    public int Resize { get; }

    /// <summary>The normalization applied last.</summary>
    public ImageNormalization Normalization { get; }

    /// <summary>Floats one image takes: 3 x Size x Size.</summary>
    public int ImageFloats => 3 * Size * Size;

    /// <summary>Decodes <paramref name="path"/> as 8-bit RGB, or throws <see cref="UnreadableImageException"/> naming it.</summary>
    public Image<Rgb24> Decode(string path)
    {
        try
        {
            return Image.Load<Rgb24>(configuration, path);
        }
        // Decoders of damaged files throw more than ImageFormatException (index errors in truncated streams, say): any
        // failure here is the file's.
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            // ImageSharp's message for an unknown format goes on to list every decoder: its first line says enough.
            var reason = e is UnknownImageFormatException ? "it is not in an image format ImageSharp reads (JPEG, PNG, BMP, GIF, TIFF, TGA, WebP)" : e.Message.Split('\n')[0].Trim();
            throw new UnreadableImageException(path, reason, e);
        }
    }

    /// <summary>The training transform of the image at <paramref name="path"/> into <paramref name="destination"/> at <paramref name="offset"/>.</summary>
    public void Train(string path, ref SampleRandom random, float[] destination, int offset)
    {
        using var image = Decode(path);
        var (top, left, height, width) = RandomResizedCropBox(image.Height, image.Width, ref random);
        var flip = random.NextBool();
        if (height != Size || width != Size || top != 0 || left != 0 || image.Height != Size || image.Width != Size)
        {
            image.Mutate(x =>
            {
                if (top != 0 || left != 0 || height != image.Height || width != image.Width) x.Crop(new Rectangle(left, top, width, height));
                if (height != Size || width != Size) x.Resize(Size, Size, KnownResamplers.Triangle);
            });
        }
        Write(image, 0, 0, flip, destination, offset);
    }

    /// <summary>The evaluation transform of the image at <paramref name="path"/> into <paramref name="destination"/> at <paramref name="offset"/>.</summary>
    public void Evaluate(string path, float[] destination, int offset)
    {
        using var image = Decode(path);
        var (height, width) = ShorterSideTo(image.Height, image.Width, Resize);
        if (height != image.Height || width != image.Width) image.Mutate(x => x.Resize(width, height, KnownResamplers.Triangle));
        if (image.Height < Size || image.Width < Size)
            throw new InvalidOperationException($"'{path}' is {image.Width}x{image.Height} after resizing, smaller than the {Size}-pixel crop.");
        var top = (int)Math.Round((image.Height - Size) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((image.Width - Size) / 2.0, MidpointRounding.ToEven);
        Write(image, top, left, false, destination, offset);
    }

    /// <summary>torchvision's RandomResizedCrop.get_params (scale 0.08-1, ratio 3/4-4/3): top, left, height, width of the box.</summary>
    public static (int Top, int Left, int Height, int Width) RandomResizedCropBox(int height, int width, ref SampleRandom random)
    {
        double area = (double)height * width;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * random.Uniform(0.08, 1.0);
            var aspect = Math.Exp(random.Uniform(LogRatioLow, LogRatioHigh));
            var w = (int)Math.Round(Math.Sqrt(target * aspect), MidpointRounding.ToEven);
            var h = (int)Math.Round(Math.Sqrt(target / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
                return (random.NextInt(height - h + 1), random.NextInt(width - w + 1), h, w);
        }
        // The fallback: a central crop of the whole image, its aspect ratio clamped to the range.
        var ratio = (double)width / height;
        int fw, fh;
        if (ratio < 3.0 / 4.0) (fw, fh) = (width, (int)Math.Round(width / (3.0 / 4.0), MidpointRounding.ToEven));
        else if (ratio > 4.0 / 3.0) (fw, fh) = ((int)Math.Round(height * (4.0 / 3.0), MidpointRounding.ToEven), height);
        else (fw, fh) = (width, height);
        return ((height - fh) / 2, (width - fw) / 2, fh, fw);
    }

    /// <summary>torchvision's output size for Resize(int): the shorter side becomes <paramref name="shorter"/>, the longer side scales and truncates.</summary>
    public static (int Height, int Width) ShorterSideTo(int height, int width, int shorter)
    {
        if (width <= height) return ((int)((long)shorter * height / (double)width), shorter);
        return (shorter, (int)((long)shorter * width / (double)height));
    }

    private void Write(Image<Rgb24> image, int top, int left, bool flip, float[] destination, int offset)
    {
        var size = Size;
        var plane = size * size;
        var (red, green, blue) = (tables[0], tables[1], tables[2]);
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < size; y++)
            {
                var row = accessor.GetRowSpan(top + y).Slice(left, size);
                var at = offset + y * size;
                for (var x = 0; x < size; x++)
                {
                    var pixel = row[flip ? size - 1 - x : x];
                    destination[at + x] = red[pixel.R];
                    destination[at + plane + x] = green[pixel.G];
                    destination[at + 2 * plane + x] = blue[pixel.B];
                }
            }
        });
    }
}
