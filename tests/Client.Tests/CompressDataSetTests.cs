using System.Text.Json;

namespace FocusedQuantization.Client.Tests;

/// <summary>`fq compress` on data sets given by path: a tiny CIFAR-10 in the binary batch format, written by the test.</summary>
public sealed class CompressDataSetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fq-compress-data-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// Writes data_batch_1..5.bin and test_batch.bin of <paramref name="perFile"/> records each (1 label byte and 3072
    /// pixel bytes): every class a colour of its own plus noise, so that a few epochs learn it.
    /// </summary>
    private static string WriteCifar10(string folder, int perFile)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(3);
        foreach (var file in new[] { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin" })
        {
            using var stream = File.Create(Path.Combine(folder, file));
            for (var r = 0; r < perFile; r++)
            {
                var label = random.Next(10);
                stream.WriteByte((byte)label);
                for (var c = 0; c < 3; c++)
                {
                    var level = (label * (25 + 45 * c)) % 256;
                    for (var p = 0; p < 1024; p++) stream.WriteByte((byte)Math.Clamp(level + random.Next(-40, 41), 0, 255));
                }
            }
        }
        return folder;
    }

    [Fact]
    public async Task A_short_run_on_a_tiny_cifar10_completes_and_reports_on_it()
    {
        var data = WriteCifar10(Path.Combine(_root, "cifar"), perFile: 60);
        var report = Path.Combine(_root, "report.json");

        var result = await FqProcess.RunAsync(_root, TimeSpan.FromMinutes(6),
            "compress", "--model", "cifar9", "--dataset", "cifar10:" + data, "--offline", "--baseline-epochs", "3", "--prune-epochs", "1",
            "--schedule-scale", "0.05", "--out", Path.Combine(_root, "cifar9.fqz"), "--report", report);

        Assert.True(result.ExitCode == 0, $"fq compress exited {result.ExitCode}: {result.Error}\n{result.Output}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken));
        Assert.Equal("cifar10:" + data, json.RootElement.GetProperty("dataset").GetString());
        Assert.Equal(30, json.RootElement.GetProperty("validation").GetProperty("images").GetInt32());
        Assert.True(File.Exists(Path.Combine(_root, "cifar9.fqz")));
    }

    [Fact]
    public async Task A_cifar_folder_without_its_files_is_exit_2_saying_what_to_unpack()
    {
        var result = await FqProcess.RunAsync(_root, TimeSpan.FromMinutes(2),
            "compress", "--model", "cifar9", "--dataset", "cifar10:" + _root, "--offline", "--out", Path.Combine(_root, "x.fqz"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("data_batch_1.bin", result.Error);
        Assert.Contains("cifar-10-binary.tar.gz", result.Error);
    }

    [Fact]
    public async Task An_image_size_for_cifar_is_exit_2()
    {
        var result = await FqProcess.RunAsync(_root, TimeSpan.FromMinutes(2),
            "compress", "--model", "cifar9", "--dataset", "cifar10:" + _root, "--image-size", "64", "--offline", "--out", Path.Combine(_root, "x.fqz"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("image folders only", result.Error);
    }
}
