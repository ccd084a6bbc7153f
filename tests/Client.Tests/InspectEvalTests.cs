using System.Text.Json;
using FocusedQuantization.Compression.Coding;
using FocusedQuantization.Compression.Quantization;

namespace FocusedQuantization.Client.Tests;

/// <summary>A LeNet-300-100 compressed once by `fq compress` on a slice of the real Fashion-MNIST, for the tests below.</summary>
public sealed class CompressedLeNetFixture : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("fq-inspect-eval-").FullName;

    public string Model => Path.Combine(Folder, "lenet300.fqz");

    public async ValueTask InitializeAsync()
    {
        var result = await FqProcess.RunAsync(Folder, TimeSpan.FromMinutes(5),
            "compress", "--model", "lenet-300-100", "--dataset", "fashion-mnist", "--offline", "--bits", "5", "--sparsity", "0.8",
            "--baseline-epochs", "1", "--prune-epochs", "1", "--schedule-scale", "0.1", "--train-limit", "2000", "--test-limit", "200",
            "--out", Model);
        if (result.ExitCode != 0) throw new InvalidOperationException($"fq compress failed ({result.ExitCode}): {result.Error}");
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed class InspectEvalTests(CompressedLeNetFixture fixture) : IClassFixture<CompressedLeNetFixture>
{
    [Fact]
    public async Task Eval_reports_float_and_shift_only_accuracy_on_the_recorded_data_set()
    {
        var result = await FqProcess.RunAsync(fixture.Folder, TimeSpan.FromMinutes(2),
            "inspect", fixture.Model, "--eval", "--offline", "--test-limit", "500", "--tolerance", "2", "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var evaluation = json.RootElement.GetProperty("evaluation");
        Assert.Equal("fashion-mnist-test", evaluation.GetProperty("dataset").GetString());
        Assert.Equal(500, evaluation.GetProperty("images").GetInt32());
        var floatTop1 = evaluation.GetProperty("float").GetProperty("top1Percent").GetDouble();
        var shiftTop1 = evaluation.GetProperty("shiftOnly").GetProperty("top1Percent").GetDouble();
        Assert.True(floatTop1 > 50, $"float top-1 {floatTop1} %: the compressed model did not learn");
        Assert.Equal(shiftTop1 - floatTop1, evaluation.GetProperty("top1Difference").GetDouble(), 9);
        Assert.True(Math.Abs(shiftTop1 - floatTop1) <= 2, $"shift-only {shiftTop1} % vs float {floatTop1} %");
        Assert.True(evaluation.GetProperty("top1AgreementPercent").GetDouble() >= 98);
        Assert.True(evaluation.GetProperty("withinTolerance").GetBoolean());
        Assert.True(evaluation.GetProperty("shiftOnlySeconds").GetDouble() > 0);
        Assert.Equal("lenet-300-100", json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Eval_prints_both_accuracies_and_the_verdict_as_a_table()
    {
        var result = await FqProcess.RunAsync(fixture.Folder, TimeSpan.FromMinutes(2),
            "inspect", fixture.Model, "--eval", "--offline", "--test-limit", "200", "--tolerance", "2");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("float (decoded weights)", result.Output);
        Assert.Contains("shift-only (int8 activations)", result.Output);
        Assert.Contains("tolerance 2.00 pp: within", result.Output);
        Assert.Contains("CR", result.Output); // the usual breakdown comes first
    }

    [Fact]
    public async Task Eval_exits_1_when_shift_only_accuracy_departs_from_float_beyond_the_tolerance()
    {
        // Hidden unit 0 gets a huge bias but no outgoing weights: the float model is unchanged, while the per-tensor
        // int8 scale it forces on fc2's input rounds every other hidden activation to 0.
        var model = FqzFile.Read(fixture.Model);
        var fc1Bias = model.FloatTensors.Single(t => t.Name == "fc1.bias");
        var fc2 = model.Layers.Single(l => l.Name == "fc2.weight");
        float[] biases = [1e4f, .. fc1Bias.Values.Skip(1)];
        var broken = model with
        {
            Layers = [.. model.Layers.Select(l => l == fc2 ? fc2 with { Symbols = [.. fc2.Symbols.Select((s, i) => i % 300 == 0 ? 0 : s)] } : l)],
            FloatTensors = [.. model.FloatTensors.Select(t => t == fc1Bias ? t with { Values = biases } : t)],
        };
        var path = Path.Combine(fixture.Folder, "outlier.fqz");
        FqzFile.Write(path, broken, CodingMode.ContextArithmetic);

        var result = await FqProcess.RunAsync(fixture.Folder, TimeSpan.FromMinutes(2),
            "inspect", path, "--eval", "--offline", "--test-limit", "300", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("beyond the tolerance of 0.5 pp", result.Error);
        using var json = JsonDocument.Parse(result.Output);
        var evaluation = json.RootElement.GetProperty("evaluation");
        Assert.False(evaluation.GetProperty("withinTolerance").GetBoolean());
        Assert.True(evaluation.GetProperty("top1Difference").GetDouble() < -20);
    }

    [Fact]
    public async Task Eval_of_a_file_that_records_no_data_set_asks_for_one()
    {
        var q = new LayerQuantization(QuantizationMode.Shift, 5, 4, 0, 0, 0, 1f);
        var model = new CompressedModel("lenet-300-100", [new QuantizedLayer("fc3.weight", [10, 100], q, new int[1000])], [], new Dictionary<string, string>());
        var path = Path.Combine(fixture.Folder, "bare.fqz");
        FqzFile.Write(path, model, CodingMode.ContextArithmetic);

        var result = await FqProcess.RunAsync("inspect", path, "--eval", "--offline");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--dataset", result.Error);
    }

    [Fact]
    public async Task Evaluation_options_without_eval_are_refused()
    {
        var result = await FqProcess.RunAsync("inspect", fixture.Model, "--test-limit", "10");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--test-limit", result.Error);
        Assert.Contains("--eval", result.Error);
    }
}
