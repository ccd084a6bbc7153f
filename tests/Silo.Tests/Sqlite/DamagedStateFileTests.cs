using FocusedQuantization.Silo.Tests.Grains;
using FocusedQuantization.Silo.Tests.Support;

namespace FocusedQuantization.Silo.Tests.Sqlite;

/// <summary>
/// The embedded silo's silo.db, written by a real silo and then damaged, as a user might find it: a damaged file stops
/// the silo with a message naming it, an empty one is reported instead of silently read as "no sweeps".
/// </summary>
public sealed class DamagedStateFileTests : IDisposable
{
    // SqliteDatabase, which both the grain storage and the reminder table open the file through.
    private const string StateFileCategory = "FocusedQuantization.Silo.Sqlite.";

    private readonly TempFolder _state = new();

    public void Dispose() => _state.Dispose();

    private string Database => Path.Combine(_state.Path, FqStateFolder.DatabaseFileName);

    private Task<FqConnection> StartAsync(WarningRecorder? warnings = null) =>
        FqConnection.OpenAsync(new FqConnectionOptions { StateFolder = _state.Path, ConfigureSilo = silo => warnings?.AddTo(silo) },
            TestContext.Current.CancellationToken);

    /// <summary>A silo.db with grain state in it, written by a silo that then stopped.</summary>
    private async Task WriteStateAsync()
    {
        await using (var cluster = await StartAsync())
        {
            for (var i = 0; i < 20; i++) await cluster.Grains.GetGrain<IDurableCounterGrain>($"counter-{i}").Add(i);
        }
        // Closes the pooled connections as the end of the process would, which also folds the write-ahead log into the file.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.False(File.Exists(Database + "-wal"));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("overwritten")]
    public async Task A_damaged_silo_db_stops_the_silo_with_a_message_naming_the_file_and_what_to_do(string damage)
    {
        await WriteStateAsync();
        var length = new FileInfo(Database).Length;
        if (damage == "truncated")
        {
            await using var file = new FileStream(Database, FileMode.Open);
            file.SetLength(length / 2);
        }
        else
        {
            var bytes = new byte[length];
            new Random(3).NextBytes(bytes);
            await File.WriteAllBytesAsync(Database, bytes, TestContext.Current.CancellationToken);
        }
        var damaged = await File.ReadAllBytesAsync(Database, TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => StartAsync());

        Assert.StartsWith($"{Database} is not a usable SQLite database", refused.Message);
        Assert.Contains("Move it aside", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
        // Nothing was written to it: the user still has what there was to recover.
        Assert.Equal(damaged, await File.ReadAllBytesAsync(Database, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task An_empty_silo_db_found_at_start_is_reported_once_and_the_silo_starts_with_no_state()
    {
        await WriteStateAsync();
        await File.WriteAllBytesAsync(Database, [], TestContext.Current.CancellationToken);

        var warnings = new WarningRecorder(StateFileCategory);
        await using (var cluster = await StartAsync(warnings))
        {
            Assert.Equal(0, await cluster.Grains.GetGrain<IDurableCounterGrain>("counter-1").Add(0));
        }

        var warning = Assert.Single(warnings.Warnings);
        Assert.StartsWith($"{Database} was empty (0 bytes)", warning);
        // The silo wrote its schema into it, so it is a sound (new) database from now on: no warning the second time.
        var later = new WarningRecorder(StateFileCategory);
        await using (await StartAsync(later))
        {
        }
        Assert.Empty(later.Warnings);
    }

    [Fact]
    public async Task A_silo_db_that_fq_creates_in_a_new_state_folder_gives_no_warning()
    {
        var warnings = new WarningRecorder(StateFileCategory);

        await using (var cluster = await StartAsync(warnings))
        {
            Assert.Equal(4, await cluster.Grains.GetGrain<IDurableCounterGrain>("new").Add(4));
        }

        Assert.True(File.Exists(Database));
        Assert.Empty(warnings.Warnings);
    }
}
