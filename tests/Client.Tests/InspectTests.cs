using System.Text.Json;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Client.Tests;

public sealed class InspectTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-inspect-").FullName;

    [Fact]
    public async Task Inspect_reports_the_layers_and_the_compression_ratio_from_the_file_alone()
    {
        var random = new Random(3);
        var shift = new LayerQuantization(QuantizationMode.Shift, 5, 4, 0, 0, 0, 1f);
        var focused = new LayerQuantization(QuantizationMode.Recentralized, 5, 2, -0.125f, 0.125f, 0.03f, 0.9f);
        var symbols = Enumerable.Range(0, 2000).Select(_ => random.NextDouble() < 0.9 ? 0 : random.Next(shift.SymbolCount)).ToArray();
        var focusedSymbols = Enumerable.Range(0, 500).Select(_ => random.Next(focused.SymbolCount)).ToArray();
        var model = new CompressedModel(
            "lenet5",
            [new QuantizedLayer("fc1.weight", [20, 100], shift, symbols), new QuantizedLayer("conv1.weight", [20, 1, 5, 5], focused, focusedSymbols)],
            [new FloatTensor("fc1.bias", [20], new float[20])],
            new Dictionary<string, string>());
        var path = Path.Combine(_folder, "m.fqz");
        FqzFile.Write(path, model, CodingMode.ContextArithmetic);

        var result = await FqProcess.RunAsync("inspect", path, "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        var fileBytes = new FileInfo(path).Length;
        Assert.Equal(fileBytes, root.GetProperty("compressedBytes").GetInt64());
        Assert.Equal(4L * (2000 + 500 + 20), root.GetProperty("denseBytes").GetInt64());
        Assert.Equal(4.0 * 2520 / fileBytes, root.GetProperty("compressionRatio").GetDouble(), 9);
        var layers = root.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(["fc1.weight", "conv1.weight"], layers.Select(l => l.GetProperty("name").GetString()));
        Assert.Equal("recentralized", layers[1].GetProperty("mode").GetString());
        Assert.Equal(-0.125, layers[1].GetProperty("muNegative").GetDouble(), 6);
        Assert.Equal(symbols.Count(s => s == 0) / 2000.0, layers[0].GetProperty("sparsity").GetDouble(), 9);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
