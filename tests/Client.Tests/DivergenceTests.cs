using System.Text.RegularExpressions;

namespace FocusedQuantization.Client.Tests;

/// <summary>Numerical failure in `fq compress` is a failure (exit 1) with the retries shown, never bad input and never a result.</summary>
public sealed class DivergenceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fq-diverge-").FullName;

    [Fact]
    public async Task Compress_at_a_fine_tuning_rate_that_diverges_retries_twice_at_half_the_rate_then_exits_1_and_writes_nothing()
    {
        var output = Path.Combine(_folder, "model.fqz");
        var report = Path.Combine(_folder, "report.json");

        // LeNet-5 fine-tuned at lr 9 (the highest --fine-tune-lr accepts is just under 10) in batches of 32 blows up within a
        // few epochs on the 900 training images these 1000 leave after validation (29 batches an epoch).
        var result = await FqProcess.RunAsync(_folder, TimeSpan.FromMinutes(3),
            "compress", "--model", "lenet5", "--dataset", "fashion-mnist", "--offline", "--bits", "5", "--sparsity", "0.8",
            "--baseline-epochs", "1", "--prune-epochs", "1", "--schedule-scale", "0.1", "--train-limit", "1000", "--test-limit", "200", "--batch-size", "32",
            "--fine-tune-lr", "9", "--out", output, "--report", report);

        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Error}");
        var failure = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var match = Regex.Match(failure,
            @"^fq: failed: quantize \(fine-tune\) diverged at epoch (\d), batch (\d+)/29: (.+) \(still diverging after 2 retries at a halved learning rate\)$");
        Assert.True(match.Success, failure);
        var (epoch, batch, reason) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
        var notices = result.Output.Split('\n').Where(l => l.Contains(" diverged (", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, notices.Length);
        Assert.All(notices, l => Assert.Matches(@"^\[\d\d:\d\d:\d\d\] quantize ", l));
        Assert.EndsWith($"epoch {epoch} diverged ({reason}, batch {batch}); restored epoch start, retrying at lr 4.5", notices[0].TrimEnd());
        Assert.EndsWith($"epoch {epoch} diverged ({reason}, batch {batch}); restored epoch start, retrying at lr 2.25", notices[1].TrimEnd());
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(report));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
