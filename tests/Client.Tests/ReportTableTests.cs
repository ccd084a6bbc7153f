using FocusedQuantization.Client.Cli;
using FocusedQuantization.Compression.Pipeline;
using FocusedQuantization.Compression.Training;
using Spectre.Console;

namespace FocusedQuantization.Client.Tests;

public sealed class ReportTableTests
{
    private static readonly CompressionReport Report = new()
    {
        Model = "lenet5", Dataset = "fashion-mnist", Bits = 5, Coding = "arithmetic", DenseBytes = 1_724_320, CompressedBytes = 20_000,
        CompressionRatio = 86.2, PaperCodingBytes = 40_000, PaperCodingCompressionRatio = 43.1, Sparsity = 0.9,
        Top1Dense = 90, Top5Dense = 99, Top1Pruned = 89, Top5Pruned = 99, Top1Compressed = 88, Top5Compressed = 99,
        Layers = [], StageSeconds = new Dictionary<string, double>(), Options = new CompressionOptions(),
    };

    private static string Render(CompressionReport report)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        ReportTable.Write(console, report);
        return output.ToString();
    }

    [Fact]
    public void A_result_reached_after_recoveries_lists_each_under_the_table()
    {
        var text = Render(Report with
        {
            Recoveries =
            [
                new TrainingRecovery("prune", 1, 7, "loss NaN", 0.005),
                new TrainingRecovery("quantize (fine-tune)", 3, null, "weight fc1.weight +inf at index 12", 0.001),
            ],
        });

        var lines = text.Split('\n').Where(l => l.StartsWith("recovered", StringComparison.Ordinal)).Select(l => l.TrimEnd()).ToArray();
        Assert.Equal(
            ["recovered prune epoch 1 diverged (loss NaN, batch 7); restored epoch start, retrying at lr 0.005",
             "recovered quantize (fine-tune) epoch 3 diverged (weight fc1.weight +inf at index 12); restored epoch start, retrying at lr 0.001"],
            lines);
    }

    [Fact]
    public void A_result_without_recoveries_says_nothing_about_them() =>
        Assert.DoesNotContain("recovered", Render(Report));
}
