using System.Diagnostics;
using System.Text.Json;

namespace FocusedQuantization.Client.Tests;

/// <summary>The embedded default loses nothing: a sweep whose process is killed goes on when fq runs again.</summary>
public sealed class SweepRecoveryTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("fq-recovery-").FullName;

    [Fact]
    public async Task A_sweep_killed_mid_run_finishes_after_restart_with_every_trial_exactly_once()
    {
        var spec = Path.Combine(_home, "recover.yaml");
        await File.WriteAllTextAsync(spec, """
            name: recover
            model: lenet-300-100
            dataset: fashion-mnist
            concurrency: 1
            training: { baseline_epochs: 1, prune_epochs: 1, train_limit: 1000, test_limit: 300 }
            space:
              sparsity: [0.6, 0.7, 0.8, 0.9]
              bits: [4]
              schedule_scale: 0.2
            """, TestContext.Current.CancellationToken);
        const string id = "recover-test";

        // Launch, and kill -9 the whole process as soon as the first trial has completed.
        using (var launch = FqProcess.Start(_home, "sweep", "launch", spec, "--id", id))
        {
            await FqProcess.WaitForLineAsync(launch, line => line.Contains("completed on", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
            launch.Kill(entireProcessTree: true);
            await launch.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var interrupted = await StatusAsync();
        Assert.Equal("running", interrupted.GetProperty("state").GetString());
        Assert.Contains(interrupted.GetProperty("trials").EnumerateArray(), t => t.GetProperty("state").GetString() != "completed");

        var watch = await FqProcess.RunAsync(_home, TimeSpan.FromMinutes(4), "sweep", "watch", id);
        Assert.True(watch.ExitCode == 0, watch.Error + watch.Output);

        var final = await StatusAsync();
        Assert.Equal("completed", final.GetProperty("state").GetString());
        var trials = final.GetProperty("trials").EnumerateArray().ToArray();
        Assert.Equal(4, trials.Length);
        Assert.Equal(4, trials.Select(t => t.GetProperty("trialId").GetString()).Distinct().Count());
        Assert.All(trials, t => Assert.Equal("completed", t.GetProperty("state").GetString()));
        Assert.All(trials, t => Assert.True(t.GetProperty("cr").GetDouble() > 1));
    }

    [Fact]
    public async Task A_second_command_on_the_same_state_folder_joins_the_running_silo()
    {
        var spec = Path.Combine(_home, "join.yaml");
        await File.WriteAllTextAsync(spec, """
            name: join
            model: lenet-300-100
            dataset: fashion-mnist
            concurrency: 1
            training: { baseline_epochs: 1, prune_epochs: 1, train_limit: 1000, test_limit: 300 }
            space:
              sparsity: [0.7, 0.9]
              bits: [4]
              schedule_scale: 0.2
            """, TestContext.Current.CancellationToken);

        using var launch = FqProcess.Start(_home, "sweep", "launch", spec, "--id", "join-test");
        await FqProcess.WaitForLineAsync(launch, line => line.Contains("running on", StringComparison.Ordinal), TimeSpan.FromMinutes(3));

        var during = await StatusAsync("join-test");
        Assert.Equal("running", during.GetProperty("state").GetString());
        var drain = launch.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await launch.WaitForExitAsync(TestContext.Current.CancellationToken);
        await drain;
        Assert.Equal(0, launch.ExitCode);

        var after = await StatusAsync("join-test");
        Assert.Equal("completed", after.GetProperty("state").GetString());
        Assert.All(after.GetProperty("trials").EnumerateArray(), t => Assert.Equal(1, t.GetProperty("attempts").GetInt32()));
    }

    private Task<JsonElement> StatusAsync() => StatusAsync("recover-test");

    private async Task<JsonElement> StatusAsync(string id)
    {
        var result = await FqProcess.RunAsync(_home, TimeSpan.FromMinutes(1), "sweep", "status", id, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
