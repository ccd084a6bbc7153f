using System.Security.Cryptography;
using System.Text.Json;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Tests.Data;
using FocusedQuantization.Compression.Tests.Models;
using FocusedQuantization.Compression.Training;

namespace FocusedQuantization.Client.Tests;

/// <summary>
/// `fq compress --model torchscript:FILE.pt` on a module a real PyTorch scripted and saved, and `--device`: what a
/// user of the command line sees.
/// </summary>
public sealed class TorchScriptAndDeviceTests : IDisposable
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";
    private static readonly TimeSpan Run = TimeSpan.FromMinutes(5);
    private readonly string _root = Directory.CreateTempSubdirectory("fq-torchscript-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // A short schedule on 600 training images; light pruning, 6 bits: a 1.4k-weight network survives it.
    private string[] Compress(string module, string output, params string[] more) =>
    [
        "compress", "--model", "torchscript:" + module, "--dataset", "fashion-mnist", "--offline", "--train-limit", "600", "--test-limit", "200",
        "--prune-epochs", "1", "--sparsity", "0.3", "--bits", "6", "--schedule-scale", "0.1", "--out", output, .. more,
    ];

    private string TrainedModule(bool trace = false)
    {
        Assert.SkipUnless(PyTorch.IsInstalled, PyTorch.Missing);
        Assert.SkipUnless(File.Exists(Path.Combine(FashionMnist, "train-images-idx3-ubyte.gz")), "dataset-fashion-mnist is not installed.");
        var path = Path.Combine(_root, trace ? "traced.pt" : "scripted.pt");
        TorchScriptFiles.WriteTrained(path, FashionMnist, 600, 20, trace);
        return path;
    }

    private string Home(string name)
    {
        var home = Path.Combine(_root, name);
        Directory.CreateDirectory(home);
        return home;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_torchscript_module_is_pruned_quantized_fine_tuned_and_coded_and_the_fqz_decodes_and_evaluates(bool trace)
    {
        var module = TrainedModule(trace);
        var output = Path.Combine(_root, "model.fqz");
        var report = Path.Combine(_root, "report.json");

        var result = await FqProcess.RunAsync(Home("run"), Run, Compress(module, output, "--report", report));

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}\n{result.Output}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken));
        var figures = json.RootElement;
        Assert.Equal(0, figures.GetProperty("denseEpochs").GetInt32());
        Assert.True(figures.GetProperty("fineTuneEpochs").GetArrayLength() > 0, "no fine-tuning epoch ran");
        var layers = figures.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()).ToArray();
        Assert.Equal(["conv1.weight", "conv2.weight", "fc.weight"], layers);

        var compressed = FqzFile.Read(output);
        Assert.Equal("torchscript:" + module, compressed.ModelName);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(module, TestContext.Current.CancellationToken))),
            compressed.Metadata[ModelState.TorchScriptSha256Key]);
        // Batch norm's statistics and the biases stay float.
        Assert.Contains(compressed.FloatTensors, t => t.Name == "bn1.running_var");
        Assert.Contains(compressed.FloatTensors, t => t.Name == "fc.bias");

        // Decoded into the module, evaluated here: the accuracy the report gives.
        var catalog = new DatasetCatalog(new DatasetCatalogOptions { AllowDownload = false });
        var test = await catalog.LoadAsync("fashion-mnist", DatasetSplit.Test, DatasetSubset.First(200), TestContext.Current.CancellationToken);
        using var restored = ModelState.Restore(compressed);
        var evaluation = Evaluator.Evaluate(restored, test);
        Assert.Equal(figures.GetProperty("top1Compressed").GetDouble(), evaluation.Top1Percent, 6);
        Assert.True(evaluation.Top1Percent > 30, $"top-1 {evaluation.Top1Percent}");

        // Another module is refused by its hash.
        var other = Path.Combine(_root, "other.pt");
        TorchScriptFiles.Write(other, seed: 3);
        var mismatch = Assert.Throws<InvalidDataException>(() => ModelState.Restore(compressed, other));
        Assert.Contains("SHA-256", mismatch.Message);

        // fq inspect checks the file it is given against the .fqz.
        var matches = await FqProcess.RunAsync(Home("inspect"), Run, "inspect", output, "--module", module);
        Assert.True(matches.ExitCode == 0, matches.Error);
        Assert.Contains("matches", matches.Output);
        var differs = await FqProcess.RunAsync(Home("inspect"), Run, "inspect", output, "--module", other);
        Assert.True(differs.ExitCode == 2, $"exit {differs.ExitCode}: {differs.Error}");
        Assert.Contains("SHA-256", differs.Error);
    }

    [Fact]
    public async Task A_corrupt_torchscript_file_is_bad_input_naming_it()
    {
        Assert.SkipUnless(PyTorch.IsInstalled, PyTorch.Missing);
        var module = Path.Combine(_root, "corrupt.pt");
        var good = Path.Combine(_root, "good.pt");
        TorchScriptFiles.Write(good);
        var bytes = await File.ReadAllBytesAsync(good, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(module, bytes[..(bytes.Length / 2)], TestContext.Current.CancellationToken);
        var output = Path.Combine(_root, "x.fqz");

        var result = await FqProcess.RunAsync(Home("corrupt"), Run, Compress(module, output));

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains(module, result.Error);
        Assert.Contains("TorchScript", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_missing_torchscript_file_is_bad_input_naming_it()
    {
        var module = Path.Combine(_root, "missing.pt");
        var result = await FqProcess.RunAsync(Home("missing"), Run, Compress(module, Path.Combine(_root, "x.fqz")));

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains(module, result.Error);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public async Task Cuda_on_this_cpu_only_build_is_bad_input_naming_the_package_before_any_work(string device)
    {
        var home = Home("cuda");
        var output = Path.Combine(_root, "x.fqz");
        var result = await FqProcess.RunAsync(home, Run, "compress", "--device", device, "--offline", "--out", output);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains("CPU-only libtorch", result.Error);
        Assert.Contains("libtorch-cuda-12.8-linux-x64", result.Error);
        Assert.Contains("TorchSharp-cuda-linux", result.Error);
        Assert.DoesNotContain("loading", result.Output);
        Assert.False(File.Exists(output));
        Assert.False(Directory.Exists(Path.Combine(home, ".cache", "fq", "checkpoints")), "work was done before the device was checked");
    }

    [Fact]
    public async Task An_unknown_device_is_bad_input()
    {
        var result = await FqProcess.RunAsync(Home("tpu"), Run, "compress", "--device", "tpu", "--out", Path.Combine(_root, "x.fqz"));

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains("cpu, cuda or cuda:N", result.Error);
    }

    [Fact]
    public async Task Device_cpu_gives_the_same_bytes_as_no_device()
    {
        var module = TrainedModule();
        var plain = Path.Combine(_root, "plain.fqz");
        var cpu = Path.Combine(_root, "cpu.fqz");

        var first = await FqProcess.RunAsync(Home("plain"), Run, Compress(module, plain));
        var second = await FqProcess.RunAsync(Home("cpu"), Run, Compress(module, cpu, "--device", "cpu"));

        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(await File.ReadAllBytesAsync(plain, TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(cpu, TestContext.Current.CancellationToken));
    }
}
