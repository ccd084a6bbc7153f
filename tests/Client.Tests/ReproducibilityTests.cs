using System.Security.Cryptography;

namespace FocusedQuantization.Client.Tests;

/// <summary>
/// The same spec and seed give the same bytes: the README's quickstart sweep run with one trial at a time and with two
/// at once (the latter beside a spinning core) must write byte-identical compressed models and report identical figures.
/// </summary>
public sealed class ReproducibilityTests : IDisposable
{
    private static readonly TimeSpan Sweep = TimeSpan.FromMinutes(8);
    private readonly string _root = Directory.CreateTempSubdirectory("fq-repro-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_quickstart_gives_identical_models_one_trial_at_a_time_and_two_at_once_under_contention()
    {
        var quickstart = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "examples", "quickstart.yaml"), TestContext.Current.CancellationToken);
        Assert.Contains("concurrency: 2", quickstart);

        var alone = await RunAsync("alone", quickstart.Replace("concurrency: 2", "concurrency: 1"), spin: false);
        var together = await RunAsync("together", quickstart, spin: true);

        Assert.Equal(4, alone.Count);
        Assert.Equal(alone.Keys.Order(), together.Keys.Order());
        foreach (var (name, hash) in alone) Assert.Equal(hash, together[name]);
    }

    /// <summary>Runs the sweep in a fresh state folder; returns each model file's SHA-256 by name.</summary>
    private async Task<Dictionary<string, string>> RunAsync(string name, string spec, bool spin)
    {
        var home = Path.Combine(_root, name);
        Directory.CreateDirectory(home);
        var path = Path.Combine(home, "quickstart.yaml");
        await File.WriteAllTextAsync(path, spec, TestContext.Current.CancellationToken);
        using var stop = new CancellationTokenSource();
        var spinner = spin ? Task.Run(() => { while (!stop.IsCancellationRequested) Thread.SpinWait(1000); }) : Task.CompletedTask;
        FqProcess.Result result;
        try
        {
            result = await FqProcess.RunAsync(home, Sweep, "sweep", "launch", path, "--id", "repro");
        }
        finally
        {
            stop.Cancel();
            await spinner;
        }
        Assert.True(result.ExitCode == 0, $"fq sweep launch exited {result.ExitCode}: {result.Error}");
        Assert.DoesNotContain("failed", result.Output, StringComparison.OrdinalIgnoreCase);
        return Directory.GetFiles(Path.Combine(home, "models"), "*.fqz")
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "examples", "quickstart.yaml"))) return folder.FullName;
        throw new DirectoryNotFoundException("No examples/quickstart.yaml above the test's folder.");
    }
}
