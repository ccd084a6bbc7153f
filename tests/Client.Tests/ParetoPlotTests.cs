using System.Xml.Linq;
using FocusedQuantization.Client.Rendering;
using FocusedQuantization.Grains.Interfaces.Sweeps;

namespace FocusedQuantization.Client.Tests;

public sealed class ParetoPlotTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-plot-").FullName;

    [Fact]
    public void A_png_is_written_with_the_png_signature_and_real_content()
    {
        var path = Path.Combine(_folder, "front.png");

        ParetoPlot.Save(SweepSamples.Pareto(), SweepSamples.Evaluated(), path);

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.True(bytes.Length > 5 * 1024, $"only {bytes.Length} bytes");
    }

    [Fact]
    public void An_svg_is_well_formed_xml_with_the_points_and_the_front()
    {
        var path = Path.Combine(_folder, "front.SVG");

        ParetoPlot.Save(SweepSamples.Pareto(), SweepSamples.Evaluated(), path);

        var svg = XDocument.Load(path);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        var shapes = svg.Descendants().Select(e => e.Name.LocalName).ToList();
        // Markers are drawn as circles or ellipses; lines and axes as paths.
        Assert.True(shapes.Count(n => n is "circle" or "ellipse") >= 6 + 3, $"{shapes.Count(n => n is "circle" or "ellipse")} markers");
        Assert.Contains("path", shapes);
        Assert.Contains("compression ratio", File.ReadAllText(path));
    }

    [Fact]
    public void An_empty_result_still_gives_a_plot()
    {
        var path = Path.Combine(_folder, "empty.png");

        ParetoPlot.Save(new ParetoResult([], 0, 0, 0, 1, 90), [], path);

        Assert.True(new FileInfo(path).Length > 1024);
    }

    [Theory]
    [InlineData("front.jpg")]
    [InlineData("front.pdf")]
    [InlineData("front")]
    public void Other_extensions_are_refused_and_nothing_is_written(string file)
    {
        var path = Path.Combine(_folder, file);

        var error = Assert.Throws<ArgumentException>(() => ParetoPlot.Save(SweepSamples.Pareto(), SweepSamples.Evaluated(), path));

        Assert.Contains(".png or .svg", error.Message);
        Assert.False(File.Exists(path));
        Assert.False(ParetoPlot.IsSupported(path));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
