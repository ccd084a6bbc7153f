using FocusedQuantization.Tracking.Outbox;

namespace FocusedQuantization.Tracking.Tests.Outbox;

/// <summary>A damaged outbox file must not stop the silo that opens it: it is kept aside and a new one started.</summary>
public sealed class DamagedOutboxTests : IAsyncLifetime
{
    private const string Experiment = "fq/damaged-outbox-test";
    private readonly OutboxFixture _fixture = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _fixture.DisposeAsync();

    private string OutboxPath => Path.Combine(_fixture.Folder, "outbox.db");

    private static CreateRunOperation CreateRun(string key) =>
        new(key, Experiment, key.Replace('/', '-'), 1_700_000_000_000, [new MlflowRunTag("fq.kind", "trial")], null);

    [Theory]
    [InlineData("truncated")]
    [InlineData("overwritten")]
    public async Task A_damaged_outbox_is_moved_aside_with_a_warning_naming_both_files_and_a_new_one_takes_operations(string damage)
    {
        // A real outbox with operations queued (the tracker is not up), closed as a process that ends would close it.
        var first = await _fixture.OpenOutboxAsync("outbox.db");
        for (var i = 0; i < 200; i++) first.Enqueue(CreateRun($"trial/{i}"));
        await _fixture.CloseAsync(first);
        var length = new FileInfo(OutboxPath).Length;
        if (damage == "truncated")
        {
            await using var file = new FileStream(OutboxPath, FileMode.Open);
            file.SetLength(length / 2);
        }
        else
        {
            await File.WriteAllBytesAsync(OutboxPath, RandomBytes((int)length), TestContext.Current.CancellationToken);
        }
        var damaged = await File.ReadAllBytesAsync(OutboxPath, TestContext.Current.CancellationToken);

        var log = new RecordingLogger<TrackingOutbox>();
        var reopened = await _fixture.OpenOutboxAsync("outbox.db", logger: log);

        var aside = reopened.SetAsidePath;
        Assert.NotNull(aside);
        Assert.StartsWith(OutboxPath + ".corrupt-", aside);
        Assert.Equal(damaged, await File.ReadAllBytesAsync(aside, TestContext.Current.CancellationToken));
        var warning = Assert.Single(log.Warnings);
        Assert.Contains(OutboxPath + " was damaged", warning);
        Assert.Contains(aside, warning);
        Assert.Equal(0, reopened.PendingCount);
        reopened.Enqueue(CreateRun("trial/after"));
        Assert.Equal(1, reopened.PendingCount);

        // The new file is a sound outbox: opened again, it is kept and still holds what was queued in it.
        await _fixture.CloseAsync(reopened);
        var quiet = new RecordingLogger<TrackingOutbox>();
        var again = await _fixture.OpenOutboxAsync("outbox.db", logger: quiet);
        Assert.Null(again.SetAsidePath);
        Assert.Empty(quiet.Warnings);
        Assert.Equal(1, again.PendingCount);
        Assert.Single(Directory.GetFiles(_fixture.Folder, "outbox.db.corrupt-*"));
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}
