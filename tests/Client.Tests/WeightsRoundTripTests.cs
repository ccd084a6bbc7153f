using System.Text.Json;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Tests.Data;
using TorchSharp;

namespace FocusedQuantization.Client.Tests;

/// <summary>
/// PyTorch weights in and out through the fq tool, against a real torchvision: a resnet18 state_dict is compressed on a
/// tiny image folder, exported, and loaded back into torchvision, whose logits must be fq's; bad weights are exit 2.
/// </summary>
public sealed class WeightsRoundTripTests : IDisposable
{
    // Writes a seeded torchvision resnet18 state_dict with torch.save, spoiled as the mode says.
    private const string SaveWeights = """
        import sys, torch, torchvision
        mode, path = sys.argv[1], sys.argv[2]
        torch.manual_seed(7)
        model = torchvision.models.resnet18(num_classes=7 if mode == 'classes' else 10)
        state = model.state_dict()
        if mode == 'keys':
            del state['layer2.1.bn2.running_var']
            state['head.weight'] = torch.zeros(3)
        if mode == 'shape':
            state['layer3.0.conv1.weight'] = torch.zeros(256, 128, 1, 1)
        torch.save(state, path)
        if mode == 'corrupt':
            data = open(path, 'rb').read()
            open(path, 'wb').write(data[:len(data) // 3])
        """;

    // Loads fq's exports into torchvision's resnet18 (strictly) and writes its eval-mode logits on the given inputs.
    private const string LoadExports = """
        import sys, json, struct, numpy, torch, torchvision
        pt, st, inputs, size, out_pt, out_st = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
        def safetensors(path):
            data = open(path, 'rb').read()
            n = struct.unpack('<Q', data[:8])[0]
            header, body = json.loads(data[8:8 + n]), data[8 + n:]
            kinds = {'F32': numpy.float32, 'I64': numpy.int64}
            return {k: torch.from_numpy(numpy.frombuffer(body[e['data_offsets'][0]:e['data_offsets'][1]], dtype=kinds[e['dtype']]).reshape(e['shape']).copy())
                    for k, e in header.items() if k != '__metadata__'}
        x = torch.from_numpy(numpy.fromfile(inputs, dtype='<f4').reshape(-1, 3, size, size))
        for state, out in ((torch.load(pt), out_pt), (safetensors(st), out_st)):
            model = torchvision.models.resnet18(num_classes=10)
            model.load_state_dict(state, strict=True)
            model.eval()
            with torch.no_grad():
                model(x).numpy().astype('<f4').tofile(out)
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("fq-weights-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_torchvision_resnet18_compresses_exports_and_loads_back_into_torchvision_with_fqs_logits()
    {
        Assert.SkipUnless(PyTorch.IsInstalled, PyTorch.Missing);
        var weights = Weights("ok");
        var images = GeneratedImages.ImageFolder(Path.Combine(_root, "images"), classes: 10, perClass: 20, valPerClass: 4, size: 64);
        var fqz = Path.Combine(_root, "r18.fqz");
        var report = Path.Combine(_root, "report.json");

        var compress = await FqProcess.RunAsync(_root, TimeSpan.FromMinutes(8),
            "compress", "--model", "resnet18", "--weights", weights, "--dataset", "imagefolder:" + images, "--image-size", "32", "--offline",
            "--prune-epochs", "1", "--schedule-scale", "0.05", "--batch-size", "32", "--out", fqz, "--report", report);
        Assert.True(compress.ExitCode == 0, $"fq compress exited {compress.ExitCode}: {compress.Error}\n{compress.Output}");
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken)))
        {
            Assert.Equal(0, json.RootElement.GetProperty("denseEpochs").GetInt32());
            Assert.Equal("resnet18", json.RootElement.GetProperty("model").GetString());
        }

        var pt = Path.Combine(_root, "r18.pt");
        var st = Path.Combine(_root, "r18.safetensors");
        var export = await FqProcess.RunAsync(_root, TimeSpan.FromMinutes(2), "export", fqz, "--out", pt);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("resnet18 (10 classes)", export.Output);
        export = await FqProcess.RunAsync(_root, TimeSpan.FromMinutes(2), "export", fqz, "--out", st, "--format", "safetensors");
        Assert.True(export.ExitCode == 0, export.Error);
        var inspect = await FqProcess.RunAsync(_root, TimeSpan.FromMinutes(2), "inspect", fqz);
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.Contains("resnet18 (10 classes, input 3x32x32)", inspect.Output);
        Assert.Contains("weights.pth", inspect.Output);

        // The same inputs through torchvision (from the exports) and through fq's decoded model (from the .fqz).
        var random = new Random(9);
        var pixels = Enumerable.Range(0, 4 * 3 * 32 * 32).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        var inputs = Path.Combine(_root, "x.f32");
        WriteFloats(inputs, pixels);
        var (outPt, outSt) = (Path.Combine(_root, "pt.f32"), Path.Combine(_root, "st.f32"));
        var (code, _, error) = PyTorch.Run(LoadExports, [pt, st, inputs, "32", outPt, outSt], TimeSpan.FromMinutes(2));
        Assert.True(code == 0, error);

        float[] expected;
        torch.set_num_threads(1);
        using (var decoded = ModelState.Restore(FqzFile.Read(fqz)))
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            decoded.eval();
            expected = decoded.forward(torch.tensor(pixels, [4, 3, 32, 32])).data<float>().ToArray();
        }
        foreach (var actual in new[] { ReadFloats(outPt), ReadFloats(outSt) })
        {
            Assert.Equal(expected.Length, actual.Length);
            var difference = expected.Zip(actual, (a, b) => Math.Abs((double)a - b)).Max();
            Assert.True(difference <= 1e-4, $"max |torchvision - fq| = {difference}");
        }
        // Pruned weights are exact zeros in what fq decodes, and so in the export.
        using var restored = ModelState.Restore(FqzFile.Read(fqz));
        Assert.Contains(restored.get_parameter("layer4.1.conv2.weight")!.data<float>().ToArray(), v => v == 0);
    }

    [Theory]
    [InlineData("keys", new[] { "missing keys (1): layer2.1.bn2.running_var", "unexpected keys (1): head.weight" })]
    [InlineData("shape", new[] { "shape mismatches (1): layer3.0.conv1.weight: file [256, 128, 1, 1], model [256, 128, 3, 3]" })]
    [InlineData("corrupt", new[] { "Cannot read the weights file" })]
    [InlineData("classes", new[] { "are for 7 classes", "has 10" })]
    public async Task Weights_that_do_not_fit_or_do_not_read_are_exit_2_saying_what_is_wrong(string mode, string[] expected)
    {
        Assert.SkipUnless(PyTorch.IsInstalled, PyTorch.Missing);
        var weights = Weights(mode);
        var images = GeneratedImages.ImageFolder(Path.Combine(_root, "images"), classes: 10, perClass: 2, valPerClass: 1, size: 32);

        var result = await FqProcess.RunAsync(_root, TimeSpan.FromMinutes(3),
            "compress", "--model", "resnet18", "--weights", weights, "--dataset", "imagefolder:" + images, "--image-size", "32", "--offline",
            "--validation", "10", "--out", Path.Combine(_root, "x.fqz"));

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}\n{result.Output}");
        foreach (var text in expected) Assert.Contains(text, result.Error);
        Assert.False(File.Exists(Path.Combine(_root, "x.fqz")));
    }

    [Fact]
    public async Task Exporting_a_file_that_is_not_an_fqz_is_exit_2()
    {
        var path = Path.Combine(_root, "not.fqz");
        await File.WriteAllTextAsync(path, "nothing here", TestContext.Current.CancellationToken);

        var result = await FqProcess.RunAsync(_root, TimeSpan.FromMinutes(1), "export", path, "--out", Path.Combine(_root, "x.pt"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(".fqz", result.Error);
        Assert.False(File.Exists(Path.Combine(_root, "x.pt")));
    }

    private string Weights(string mode)
    {
        var path = Path.Combine(_root, "weights.pth");
        var (code, _, error) = PyTorch.Run(SaveWeights, [mode, path], TimeSpan.FromMinutes(2));
        Assert.True(code == 0, error);
        return path;
    }

    private static void WriteFloats(string path, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(path, bytes);
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
