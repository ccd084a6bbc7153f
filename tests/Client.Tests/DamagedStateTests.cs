using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace FocusedQuantization.Client.Tests;

/// <summary>
/// The state folder's files written by real fq runs, then damaged as a tester found them, and fq run again as a user
/// would: what it says on stderr, its exit code, and whether the next run works.
/// </summary>
public sealed partial class DamagedStateTests : IDisposable
{
    private static readonly TimeSpan Command = TimeSpan.FromMinutes(1), Sweep = TimeSpan.FromMinutes(3);
    private readonly string _home = Directory.CreateTempSubdirectory("fq-damaged-").FullName;

    private string SiloDb => Path.Combine(_home, "silo.db");

    private string OutboxDb => Path.Combine(_home, "outbox.db");

    [Theory]
    [InlineData("truncated")]
    [InlineData("overwritten")]
    public async Task A_damaged_silo_db_exits_2_with_one_line_naming_the_file_and_what_to_do(string damage)
    {
        await ListAsync();
        Damage(SiloDb, damage);

        var result = await FqProcess.RunAsync(_home, Command, "sweep", "list");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}; stderr: {result.Error}");
        var line = Assert.Single(Lines(result.Error));
        Assert.StartsWith($"fq: {SiloDb} is not a usable SQLite database", line);
        Assert.Contains("Move it aside", line);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task An_empty_silo_db_is_not_listed_silently_as_no_sweeps()
    {
        await ListAsync();
        await File.WriteAllBytesAsync(SiloDb, [], TestContext.Current.CancellationToken);

        var result = await FqProcess.RunAsync(_home, Command, "sweep", "list");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"fq: warning: {SiloDb} was empty (0 bytes)", result.Error);
    }

    [Fact]
    public async Task A_damaged_outbox_is_set_aside_with_a_warning_naming_both_files_and_the_command_goes_on()
    {
        await ListAsync();
        Damage(OutboxDb, "truncated");

        var result = await FqProcess.RunAsync(_home, Command, "sweep", "list");

        Assert.True(result.ExitCode == 0, result.Error);
        var aside = Assert.Single(Directory.GetFiles(_home, "outbox.db.corrupt-*"));
        var warning = Assert.Single(Lines(result.Error), l => l.StartsWith("fq: warning: The tracking outbox", StringComparison.Ordinal));
        Assert.Contains(OutboxDb + " was damaged", warning);
        Assert.Contains(aside, warning);
        // The new outbox is sound: the next command says nothing about it.
        var next = await FqProcess.RunAsync(_home, Command, "sweep", "list");
        Assert.True(next.ExitCode == 0, next.Error);
        Assert.DoesNotContain("outbox", next.Error);
    }

    [Fact]
    public async Task A_sweep_that_ends_while_the_tracker_is_down_says_how_many_operations_wait_where_and_the_next_command_delivers_them()
    {
        var down = new Dictionary<string, string?> { ["MLFLOW_TRACKING_URI"] = $"http://127.0.0.1:{ClosedPort()}" };

        var launch = await FqProcess.RunAsync(_home, down, Sweep, "sweep", "launch", await SpecAsync(0.9), "--id", "offline");

        Assert.True(launch.ExitCode == 0, launch.Error);
        var line = Assert.Single(Lines(launch.Error), l => l.Contains("still queued", StringComparison.Ordinal));
        var match = QueuedLine().Match(line);
        Assert.True(match.Success, line);
        Assert.Equal(OutboxDb, match.Groups["file"].Value);
        Assert.Equal(Pending(), long.Parse(match.Groups["count"].Value));
        Assert.True(Pending() > 0);
        Assert.Contains("the next fq command that hosts the embedded silo on this state folder", line);

        // What the line promises: a command with the embedded silo (and its embedded tracker) delivers them.
        var next = await FqProcess.RunAsync(_home, Command, "sweep", "list");
        Assert.True(next.ExitCode == 0, next.Error);
        Assert.DoesNotContain("still queued", next.Error);
        Assert.Equal(0, Pending());
    }

    [Fact]
    public async Task A_truncated_baseline_checkpoint_is_set_aside_and_the_next_sweep_trains_it_again()
    {
        var first = await FqProcess.RunAsync(_home, Sweep, "sweep", "launch", await SpecAsync(0.9), "--id", "first");
        Assert.True(first.ExitCode == 0, first.Error);
        var checkpoints = Path.Combine(_home, "checkpoints");
        var baseline = Assert.Single(Directory.GetFiles(checkpoints, "baseline-*.ckpt"));
        Damage(baseline, "truncated");

        // Another sparsity, so its pruning needs the baseline's weights.
        var second = await FqProcess.RunAsync(_home, Sweep, "sweep", "launch", await SpecAsync(0.8), "--id", "second");

        Assert.True(second.ExitCode == 0, second.Error + second.Output);
        var name = Path.GetFileNameWithoutExtension(baseline);
        Assert.Contains($"fq: warning: checkpoint {name} in {checkpoints} is damaged", second.Error);
        Assert.Single(Directory.GetFiles(Path.Combine(checkpoints, "corrupt"), Path.GetFileName(baseline), SearchOption.AllDirectories));
        Assert.Contains("completed on", second.Output);
    }

    /// <summary>A first command on the state folder, which creates its files (silo.db, outbox.db) as any run does.</summary>
    private async Task ListAsync()
    {
        var result = await FqProcess.RunAsync(_home, Command, "sweep", "list");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(File.Exists(SiloDb) && File.Exists(OutboxDb));
    }

    private static void Damage(string path, string how)
    {
        var length = new FileInfo(path).Length;
        if (how == "truncated")
        {
            using var file = new FileStream(path, FileMode.Open);
            file.SetLength(length / 2);
            return;
        }
        var bytes = new byte[length];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }

    private async Task<string> SpecAsync(double sparsity)
    {
        var path = Path.Combine(_home, $"tiny-{sparsity}.yaml");
        await File.WriteAllTextAsync(path, $$"""
            name: tiny
            model: lenet5
            dataset: fashion-mnist
            concurrency: 1
            training: { baseline_epochs: 3, prune_epochs: 1, learning_rate: 0.1, train_limit: 600, validation: 100, test_limit: 100 }
            space:
              sparsity: [{{sparsity}}]
              bits: [4]
              schedule_scale: 0.1
            """, TestContext.Current.CancellationToken);
        return path;
    }

    /// <summary>Operations in the outbox file neither delivered nor refused.</summary>
    private long Pending()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = OutboxDb, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM operations WHERE delivered_at IS NULL AND refused_at IS NULL;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>A loopback port nothing listens on: a tracker that is down.</summary>
    private static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"^fq: (?<count>\d+) tracking operations? (is|are) still queued in (?<file>\S+) ")]
    private static partial Regex QueuedLine();

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
