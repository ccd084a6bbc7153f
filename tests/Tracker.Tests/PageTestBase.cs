using System.Text.Json;
using Microsoft.Playwright;

namespace FocusedQuantization.Tracker.Tests;

/// <summary>A real tracker filled through its REST API, and pages of it opened in a real headless chromium.</summary>
public abstract class PageTestBase(BrowserFixture browser) : TrackerTestBase, IClassFixture<BrowserFixture>
{
    private readonly List<IBrowserContext> contexts = [];

    /// <summary>
    /// Six finished trials whose front (maximising CR and top-1) is t1, t2 and t4: t3 is beaten by t2, t5 by t4 and
    /// t6 by t1. The seventh is still running and has no outcome yet.
    /// </summary>
    protected static readonly (string Name, double? Cr, double? Top1, bool OnFront)[] Trials =
    [
        ("t1", 10, 0.70, true), ("t2", 20, 0.68, true), ("t3", 15, 0.60, false),
        ("t4", 40, 0.50, true), ("t5", 30, 0.45, false), ("t6", 5, 0.69, false), ("t7", null, null, false),
    ];

    /// <summary>What <see cref="SeedSweepAsync"/> created.</summary>
    protected sealed record Seeded(string ExperimentId, string SweepRunId, IReadOnlyDictionary<string, string> TrialRunIds, string LooseRunId);

    /// <summary>Logs, as the fq grains do, the experiment "fq/demo" with a sweep, its trials and one unrelated run.</summary>
    protected async Task<Seeded> SeedSweepAsync()
    {
        await CreateExperimentAsync("other experiment");
        var experiment = await CreateExperimentAsync("fq/demo");
        var sweep = await CreateRunAsync(experiment, "demo", ("fq.kind", "sweep"), ("fq.sweep_id", "s1"), ("fq.key", "sweep/s1"));
        await PostOkAsync("runs/log-batch", JsonSerializer.Serialize(new
        {
            run_id = sweep, @params = new[] { new { key = "model", value = "lenet5" }, new { key = "space.bits", value = "3,4,5" } },
        }));
        var trials = new Dictionary<string, string>();
        foreach (var (name, cr, top1, onFront) in Trials)
        {
            var run = await CreateRunAsync(experiment, name, ("mlflow.parentRunId", sweep), ("fq.kind", "trial"),
                ("fq.sweep_id", "s1"), ("fq.trial_id", name), ("fq.pareto", onFront ? "true" : "false"));
            trials[name] = run;
            if (cr is null) continue;
            await LogOutcomeAsync(run, cr.Value, top1!.Value);
            await PostOkAsync("runs/update", JsonSerializer.Serialize(new { run_id = run, status = "FINISHED", end_time = 2_000_000_000_000 }));
        }
        var loose = await CreateRunAsync(experiment, "loose run");
        return new Seeded(experiment, sweep, trials, loose);
    }

    /// <summary>Logs a trial's outcome (and per-layer detail the run list leaves out) in one batch.</summary>
    protected Task LogOutcomeAsync(string runId, double cr, double top1) =>
        PostOkAsync("runs/log-batch", JsonSerializer.Serialize(new
        {
            run_id = runId,
            metrics = new[]
            {
                new { key = "cr", value = cr, timestamp = 1_000L, step = 0L },
                new { key = "top1", value = top1, timestamp = 1_000L, step = 0L },
                new { key = "layer.conv1.bits", value = 4.0, timestamp = 1_000L, step = 0L },
            },
            @params = new[] { new { key = "bits", value = "4" } },
        }));

    private async Task<string> CreateRunAsync(string experimentId, string name, params (string Key, string Value)[] tags) =>
        (await PostOkAsync("runs/create", JsonSerializer.Serialize(new
        {
            experiment_id = experimentId, run_name = name, start_time = 1_700_000_000_000L,
            tags = tags.Select(t => new { key = t.Key, value = t.Value }),
        }))).GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;

    /// <summary>Opens the tracker's page at the given path in a fresh browser context (its own sessionStorage).</summary>
    protected async Task<IPage> OpenAsync(string pathAndQuery)
    {
        var context = await browser.Browser.NewContextAsync();
        contexts.Add(context);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(new Uri(BaseAddress, pathAndQuery).ToString());
        Assert.True(response?.Ok, $"GET {pathAndQuery} answered {response?.Status}");
        return page;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var context in contexts) await context.DisposeAsync();
        await base.DisposeAsync();
    }
}
