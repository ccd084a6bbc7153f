using FocusedQuantization.Tracking.Outbox;
using Microsoft.Data.Sqlite;

namespace FocusedQuantization.Tracking.Tests.Outbox;

/// <summary>The outbox against the real tracker over loopback HTTP, with real SQLite files.</summary>
public sealed class TrackingOutboxTests : IAsyncLifetime
{
    private const string Experiment = "fq/outbox-test";
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(20);
    private readonly OutboxFixture _fixture = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _fixture.DisposeAsync();

    private static CreateRunOperation CreateRun(string key, string? parent = null) =>
        new(key, Experiment, key.Replace('/', '-'), 1_700_000_000_000, [new MlflowRunTag("fq.kind", "trial")], parent);

    private static LogBatchOperation LossCurve(string key, int epochs) => new(key, Experiment,
        Enumerable.Range(0, epochs).Select(e => new MlflowMetric("train_loss", 2.0 / (e + 1), 1_700_000_000_000 + e, e)).ToArray(),
        [new MlflowParam("bits", "5")], [new MlflowRunTag("fq.pareto", "false")]);

    [Fact]
    public async Task A_run_logged_while_the_tracker_is_down_arrives_once_and_in_order_when_it_comes_up()
    {
        var outbox = await _fixture.OpenOutboxAsync("silo.db");
        outbox.Enqueue(CreateRun("trial/a"));
        outbox.Enqueue(LossCurve("trial/a", 5));
        outbox.Enqueue(new SetTagOperation("trial/a", Experiment, "fq.pareto", "true"));
        outbox.Enqueue(new UpdateRunOperation("trial/a", Experiment, MlflowRunStatus.Finished, 1_700_000_100_000));

        Assert.False(await outbox.DrainAsync(TimeSpan.FromMilliseconds(300)), string.Join("\n", outbox.DeadLetters().Select(d => d.Error)));
        Assert.Equal(4, outbox.PendingCount);

        await _fixture.StartTrackerAsync();
        Assert.True(await outbox.DrainAsync(Drain));

        Assert.Empty(outbox.DeadLetters().Select(d => d.Error));
        Assert.Equal(0, outbox.PendingCount);
        var run = await _fixture.SingleRunAsync(Experiment, "trial/a");
        Assert.Equal(MlflowRunStatus.Finished, run.Info.Status);
        Assert.Equal(1_700_000_100_000, run.Info.EndTime);
        Assert.Equal("true", run.Data!.Tags!.Single(t => t.Key == "fq.pareto").Value);
        Assert.Equal("5", run.Data.Params!.Single(p => p.Key == "bits").Value);
        var history = (await _fixture.Runs.GetMetricHistoryAsync(run.Info.RunId, "train_loss", cancellationToken: TestContext.Current.CancellationToken)).Metrics!;
        Assert.Equal([0L, 1, 2, 3, 4], history.Select(m => m.Step));
        Assert.Equal(Enumerable.Range(0, 5).Select(e => 2.0 / (e + 1)), history.Select(m => m.Value));
        Assert.Empty(outbox.DeadLetters());
    }

    [Fact]
    public async Task Many_small_batches_of_interleaved_runs_are_sent_merged_and_still_arrive_once_in_order()
    {
        var outbox = await _fixture.OpenOutboxAsync("merged.db");
        outbox.Enqueue(CreateRun("trial/m1"));
        outbox.Enqueue(CreateRun("trial/m2"));
        // 60 batches of 30 metrics for m1 (more than one request's 1,000 when merged), with m2's batches and one batch
        // carrying a param in between, which end a merge; enqueued while the tracker is down, so they pile up.
        var step = 0;
        for (var b = 0; b < 60; b++)
        {
            outbox.Enqueue(new LogBatchOperation("trial/m1", Experiment,
                Enumerable.Range(0, 30).Select(_ => new MlflowMetric("loss", step, 1_700_000_000_000 + step, step++)).ToArray(), [], []));
            if (b % 25 == 24) outbox.Enqueue(new LogBatchOperation("trial/m2", Experiment, [new MlflowMetric("loss", b, 1_700_000_000_000, b)], [], []));
            if (b == 40) outbox.Enqueue(new LogBatchOperation("trial/m1", Experiment, [], [new MlflowParam("bits", "5")], []));
        }
        await _fixture.StartTrackerAsync();
        Assert.True(await outbox.DrainAsync(Drain));

        Assert.Empty(outbox.DeadLetters());
        var ct = TestContext.Current.CancellationToken;
        var m1 = await _fixture.SingleRunAsync(Experiment, "trial/m1");
        var history = (await _fixture.Runs.GetMetricHistoryAsync(m1.Info.RunId, "loss", cancellationToken: ct)).Metrics!;
        Assert.Equal(Enumerable.Range(0, 1800).Select(i => (long)i), history.Select(m => m.Step));
        Assert.Equal("5", m1.Data!.Params!.Single(p => p.Key == "bits").Value);
        var m2 = await _fixture.SingleRunAsync(Experiment, "trial/m2");
        Assert.Equal([24L, 49], (await _fixture.Runs.GetMetricHistoryAsync(m2.Info.RunId, "loss", cancellationToken: ct)).Metrics!.Select(m => m.Step));
    }

    [Fact]
    public async Task Operations_resent_after_a_crash_between_sending_and_marking_arrive_only_once()
    {
        await _fixture.StartTrackerAsync();
        var outbox = await _fixture.OpenOutboxAsync("crashed.db");
        outbox.Enqueue(CreateRun("trial/b"));
        outbox.Enqueue(LossCurve("trial/b", 3));
        Assert.True(await outbox.DrainAsync(Drain));
        await _fixture.CloseAsync(outbox);
        // The crash: the tracker got everything, but the marks (and the remembered run id) never reached the file.
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(_fixture.Folder, "crashed.db")};Pooling=False"))
        {
            await db.OpenAsync(TestContext.Current.CancellationToken);
            await using var unmark = db.CreateCommand();
            unmark.CommandText = "UPDATE operations SET delivered_at = NULL; DELETE FROM run_keys;";
            Assert.Equal(3, await unmark.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        var reopened = await _fixture.OpenOutboxAsync("crashed.db");
        Assert.Equal(2, reopened.PendingCount);
        Assert.True(await reopened.DrainAsync(Drain));

        var run = await _fixture.SingleRunAsync(Experiment, "trial/b");
        var history = (await _fixture.Runs.GetMetricHistoryAsync(run.Info.RunId, "train_loss", cancellationToken: TestContext.Current.CancellationToken)).Metrics!;
        Assert.Equal([0L, 1, 2], history.Select(m => m.Step));
    }

    [Fact]
    public async Task A_refused_operation_becomes_a_dead_letter_and_the_ones_after_it_still_arrive()
    {
        await _fixture.StartTrackerAsync();
        var outbox = await _fixture.OpenOutboxAsync("refused.db");
        outbox.Enqueue(CreateRun("trial/c"));
        outbox.Enqueue(LossCurve("trial/c", 1));
        // Params are written once: another value for "bits" is refused with 400 INVALID_PARAMETER_VALUE.
        outbox.Enqueue(new LogBatchOperation("trial/c", Experiment, [], [new MlflowParam("bits", "8")], []));
        outbox.Enqueue(new SetTagOperation("trial/c", Experiment, "after", "delivered"));

        Assert.True(await outbox.DrainAsync(Drain));

        var dead = Assert.Single(outbox.DeadLetters());
        Assert.IsType<LogBatchOperation>(dead.Operation);
        Assert.Contains("INVALID_PARAMETER_VALUE", dead.Error, StringComparison.Ordinal);
        var run = await _fixture.SingleRunAsync(Experiment, "trial/c");
        Assert.Equal("delivered", run.Data!.Tags!.Single(t => t.Key == "after").Value);
        Assert.Equal("5", run.Data.Params!.Single(p => p.Key == "bits").Value);
    }

    [Fact]
    public async Task A_child_waits_until_another_outbox_has_created_its_parent()
    {
        await _fixture.StartTrackerAsync();
        var childSilo = await _fixture.OpenOutboxAsync("silo-1.db");
        var parentSilo = await _fixture.OpenOutboxAsync("silo-2.db");
        childSilo.Enqueue(CreateRun("trial/d", parent: "sweep/s"));
        childSilo.Enqueue(new SetTagOperation("trial/d", Experiment, "fq.pareto", "true"));

        Assert.False(await childSilo.DrainAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(2, childSilo.PendingCount);

        parentSilo.Enqueue(CreateRun("sweep/s"));
        Assert.True(await parentSilo.DrainAsync(Drain));
        Assert.True(await childSilo.DrainAsync(Drain));

        var parent = await _fixture.SingleRunAsync(Experiment, "sweep/s");
        var child = await _fixture.SingleRunAsync(Experiment, "trial/d");
        Assert.Equal(parent.Info.RunId, child.Data!.Tags!.Single(t => t.Key == "mlflow.parentRunId").Value);
        Assert.Equal("true", child.Data.Tags!.Single(t => t.Key == "fq.pareto").Value);
    }

    [Fact]
    public async Task Creating_the_same_run_key_twice_finds_the_first_run_instead_of_making_a_second()
    {
        await _fixture.StartTrackerAsync();
        var first = await _fixture.OpenOutboxAsync("first.db");
        var second = await _fixture.OpenOutboxAsync("second.db");
        first.Enqueue(CreateRun("sweep/e"));
        Assert.True(await first.DrainAsync(Drain));

        second.Enqueue(CreateRun("sweep/e"));
        second.Enqueue(new SetTagOperation("sweep/e", Experiment, "seen", "twice"));
        Assert.True(await second.DrainAsync(Drain));

        var run = await _fixture.SingleRunAsync(Experiment, "sweep/e");
        Assert.Equal("twice", run.Data!.Tags!.Single(t => t.Key == "seen").Value);
    }

    [Fact]
    public async Task An_outbox_without_a_tracker_keeps_everything_until_a_later_process_has_one()
    {
        await _fixture.StartTrackerAsync();
        var unconfigured = await _fixture.OpenOutboxAsync("no-tracker.db", withoutTracker: true);
        unconfigured.Enqueue(CreateRun("sweep/g"));
        unconfigured.Enqueue(LossCurve("sweep/g", 2));

        Assert.False(await unconfigured.DrainAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(2, unconfigured.PendingCount);
        await _fixture.CloseAsync(unconfigured);

        var configured = await _fixture.OpenOutboxAsync("no-tracker.db");
        Assert.True(await configured.DrainAsync(Drain));
        var run = await _fixture.SingleRunAsync(Experiment, "sweep/g");
        Assert.Equal(2, (await _fixture.Runs.GetMetricHistoryAsync(run.Info.RunId, "train_loss", cancellationToken: TestContext.Current.CancellationToken)).Metrics!.Count);
    }

    [Fact]
    public async Task Enqueueing_takes_no_network_and_a_key_with_a_quote_is_refused_at_once()
    {
        var outbox = await _fixture.OpenOutboxAsync("local.db");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 200; i++) outbox.Enqueue(new SetTagOperation("trial/f", Experiment, "i", i.ToString()));
        clock.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"200 enqueues: {clock.Elapsed.TotalMilliseconds:F1} ms ({clock.Elapsed.TotalMilliseconds / 200:F3} ms each)");

        Assert.Equal(200, outbox.PendingCount);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"200 enqueues took {clock.Elapsed}");
        Assert.Throws<ArgumentException>(() => outbox.Enqueue(new SetTagOperation("trial/it's", Experiment, "k", "v")));
    }
}
