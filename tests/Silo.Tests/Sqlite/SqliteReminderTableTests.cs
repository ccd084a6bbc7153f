using FocusedQuantization.Silo.Sqlite;
using FocusedQuantization.Silo.Tests.Support;

namespace FocusedQuantization.Silo.Tests.Sqlite;

public sealed class SqliteReminderTableTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private SqliteReminderTable Open(string serviceId = "fq") =>
        new(serviceId, new SqliteReminderTableOptions { DatabasePath = _folder.File("reminders.db") });

    private static ReminderEntry Entry(GrainId grain, string name, int periodSeconds = 60) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        Period = TimeSpan.FromSeconds(periodSeconds),
    };

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_upserted_reminder_is_read_back_with_its_schedule_and_the_etag_the_upsert_returned()
    {
        var table = Open();
        var grain = GrainId.Create("sweep", "s1");

        var etag = await table.UpsertRow(Entry(grain, "resume", 90));
        var row = await table.ReadRow(grain, "resume");

        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("resume", row.ReminderName);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), row.StartAt);
        Assert.Equal(TimeSpan.FromSeconds(90), row.Period);
        Assert.Equal(etag, row.ETag);
    }

    [Fact]
    public async Task A_reminder_that_was_never_registered_reads_as_null()
    {
        await Open().StartAsync(TestContext.Current.CancellationToken);

        Assert.Null(await Open().ReadRow(GrainId.Create("sweep", "none"), "resume"));
    }

    [Fact]
    public async Task Upserting_again_replaces_the_schedule_and_changes_the_etag()
    {
        var table = Open();
        var grain = GrainId.Create("sweep", "s1");
        var first = await table.UpsertRow(Entry(grain, "resume", 60));

        var second = await table.UpsertRow(Entry(grain, "resume", 120));
        var rows = await table.ReadRows(grain);

        Assert.NotEqual(first, second);
        var row = Assert.Single(rows.Reminders);
        Assert.Equal(TimeSpan.FromSeconds(120), row.Period);
    }

    [Fact]
    public async Task Removing_needs_the_current_etag()
    {
        var table = Open();
        var grain = GrainId.Create("sweep", "s1");
        var stale = await table.UpsertRow(Entry(grain, "resume"));
        var current = await table.UpsertRow(Entry(grain, "resume"));

        Assert.False(await table.RemoveRow(grain, "resume", stale!));
        Assert.NotNull(await table.ReadRow(grain, "resume"));
        Assert.True(await table.RemoveRow(grain, "resume", current!));
        Assert.Null(await table.ReadRow(grain, "resume"));
    }

    [Fact]
    public async Task Reading_by_grain_gives_every_reminder_of_that_grain_and_no_other()
    {
        var table = Open();
        var a = GrainId.Create("sweep", "a");
        await table.UpsertRow(Entry(a, "one"));
        await table.UpsertRow(Entry(a, "two"));
        await table.UpsertRow(Entry(GrainId.Create("sweep", "b"), "one"));
        await Open("another-service").UpsertRow(Entry(a, "three"));

        var rows = await table.ReadRows(a);

        Assert.Equal(["one", "two"], rows.Reminders.Select(r => r.ReminderName).Order());
    }

    [Fact]
    public async Task Range_reads_return_the_grains_whose_hash_is_after_begin_up_to_end_wrapping_past_the_top()
    {
        var table = Open();
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("trial", $"t{i}")).ToList();
        foreach (var grain in grains) await table.UpsertRow(Entry(grain, "tick"));
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        // Ranges whose ends sit exactly on stored hashes check both boundaries; the last one wraps around zero.
        (uint Begin, uint End)[] ranges = [(hashes[5], hashes[20]), (0, uint.MaxValue), (hashes[30], hashes[10]), (hashes[7], hashes[7])];

        foreach (var (begin, end) in ranges)
        {
            var rows = await table.ReadRows(begin, end);

            var expected = grains.Where(g => InRing(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order();
            Assert.Equal(expected, rows.Reminders.Select(r => r.GrainId.ToString()).Order());
        }
    }

    // Orleans ring ranges: (begin, end], and begin >= end wraps (begin == end is the full ring).
    private static bool InRing(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    [Fact]
    public async Task Reminders_survive_closing_and_reopening_the_file()
    {
        var grain = GrainId.Create("sweep", "s1");
        var etag = await Open().UpsertRow(Entry(grain, "resume"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var row = await Open().ReadRow(grain, "resume");

        Assert.Equal(etag, row?.ETag);
    }

    [Fact]
    public async Task Clearing_the_table_removes_only_this_services_reminders()
    {
        var grain = GrainId.Create("sweep", "s1");
        await Open().UpsertRow(Entry(grain, "resume"));
        await Open("another-service").UpsertRow(Entry(grain, "resume"));

        await Open().TestOnlyClearTable();

        Assert.Null(await Open().ReadRow(grain, "resume"));
        Assert.NotNull(await Open("another-service").ReadRow(grain, "resume"));
    }
}
