using FocusedQuantization.Compression.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Data;

/// <summary>The evaluation transforms against torchvision's Resize, CenterCrop, ToTensor, Normalize on the same files.</summary>
public sealed class TorchvisionTransformTests : IDisposable
{
    private const string Script = """
        import sys, torch
        from PIL import Image
        from torchvision import transforms as T
        size, resize, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
        t = T.Compose([T.Resize(resize), T.CenterCrop(size), T.ToTensor(),
                       T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
        with open(out, 'wb') as f:
            for path in sys.argv[4:]:
                with open(path, 'rb') as g:
                    image = Image.open(g).convert('RGB')
                f.write(t(image).numpy().astype('<f4').tobytes())
        """;

    private readonly string root = Directory.CreateTempSubdirectory("fq-torchvision-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData(224, 256, false)]
    [InlineData(56, 64, false)]
    [InlineData(32, 37, false)]
    [InlineData(32, 37, true)]
    public void Evaluation_transforms_match_torchvisions_within_rounding(int size, int resize, bool jpeg)
    {
        Assert.SkipUnless(PyTorch.IsInstalled, PyTorch.Missing);
        // Shrinking, enlarging, odd and even margins, portrait and landscape.
        (int Width, int Height)[] shapes = [(64, 64), (80, 60), (50, 91), (300, 200), (37, 45)];
        var paths = new List<string>();
        for (var i = 0; i < shapes.Length; i++)
        {
            using var image = GeneratedImages.Make(i, i * 5, shapes[i].Width, shapes[i].Height);
            var path = Path.Combine(root, $"image{i}.{(jpeg ? "jpg" : "png")}");
            if (jpeg) image.Save(path, new JpegEncoder { Quality = 95 });
            else image.Save(path, new PngEncoder());
            paths.Add(path);
        }
        var output = Path.Combine(root, "torchvision.f32");

        var (code, _, error) = PyTorch.Run(Script, [size.ToString(), resize.ToString(), output, .. paths], TimeSpan.FromMinutes(3));

        Assert.True(code == 0, error);
        var expected = new float[paths.Count * 3 * size * size];
        Buffer.BlockCopy(File.ReadAllBytes(output), 0, expected, 0, expected.Length * 4);
        var transforms = new ImageTransforms(size, resize, ImageNormalization.ImageNet);
        var actual = new float[expected.Length];
        for (var i = 0; i < paths.Count; i++) transforms.Evaluate(paths[i], actual, i * 3 * size * size);
        double max = 0, sum = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = Math.Abs(actual[i] - expected[i]) * 0.225;
            max = Math.Max(max, d);
            sum += d;
        }
        // In 8-bit levels: PIL rounds to 8 bits between its two resampling passes, ImageSharp does not (measured: at most
        // 1 level apart, 0.07-0.08 on average), and the JPEG decoders' inverse DCTs differ by a level or two more
        // (measured: 2, 0.14). Any disagreement of geometry (sizes, kernels, crop offsets) would be far beyond these.
        var mean = sum / actual.Length * 255;
        Assert.True(max * 255 <= (jpeg ? 3 : 1.05), $"max difference {max * 255:F2} levels, mean {mean:F3}");
        Assert.True(mean <= (jpeg ? 0.3 : 0.15), $"mean difference {mean:F3} levels, max {max * 255:F2}");
    }
}
