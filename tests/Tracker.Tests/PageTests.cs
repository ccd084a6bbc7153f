using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FocusedQuantization.Tracker.Tests;

public sealed class PageTests(BrowserFixture browser) : PageTestBase(browser)
{
    private static async Task<List<string>> AttributesAsync(ILocator locator, string attribute)
    {
        var values = new List<string>();
        foreach (var item in await locator.AllAsync()) values.Add(await item.GetAttributeAsync(attribute) ?? "");
        return values;
    }

    [Fact]
    public async Task The_page_lists_the_experiments_and_the_runs_with_trials_grouped_under_their_sweep()
    {
        var seeded = await SeedSweepAsync();
        var page = await OpenAsync("/");

        await Expect(page.GetByTestId("experiment")).ToHaveTextAsync(["fq/demo", "other experiment", "Default"]);
        await page.GetByTestId("experiment").GetByText("fq/demo").ClickAsync();

        var rows = page.GetByTestId("run");
        await Expect(rows).ToHaveCountAsync(1 + Trials.Length + 1);
        var ids = await AttributesAsync(rows, "data-run-id");
        var sweepRow = ids.IndexOf(seeded.SweepRunId);
        // The trials follow their sweep, in trial order; the unrelated run stands on its own.
        Assert.Equal(Trials.Select(t => seeded.TrialRunIds[t.Name]), ids.Skip(sweepRow + 1).Take(Trials.Length));
        Assert.Equal(Enumerable.Repeat(seeded.SweepRunId, Trials.Length),
            await AttributesAsync(page.Locator($"[data-testid=run][data-kind=trial]"), "data-parent-run-id"));
        Assert.Contains(seeded.LooseRunId, ids);
        var t2 = page.Locator($"[data-testid=run][data-run-id='{seeded.TrialRunIds["t2"]}']");
        await Expect(t2.GetByTestId("run-status")).ToHaveTextAsync("FINISHED");
        await Expect(t2.GetByTestId("run-metrics")).ToHaveTextAsync(new Regex(@"^cr=20\s+top1=0\.68$"));
        await Expect(page.Locator($"[data-testid=run][data-run-id='{seeded.TrialRunIds["t7"]}']").GetByTestId("run-status"))
            .ToHaveTextAsync("RUNNING");
        await Expect(page.Locator($"[data-run-id='{seeded.SweepRunId}']")).ToContainTextAsync("7 trials");
    }

    [Fact]
    public async Task The_sweep_plot_marks_exactly_the_Pareto_front_and_a_refresh_shows_new_trials()
    {
        var seeded = await SeedSweepAsync();
        var page = await OpenAsync("/");
        await page.GetByTestId("experiment").GetByText("fq/demo").ClickAsync();

        await page.GetByTestId("open-sweep").ClickAsync();

        var points = page.GetByTestId("point");
        await Expect(points).ToHaveCountAsync(6);
        var front = page.Locator("[data-testid=point][data-front=true]");
        var expected = Trials.Where(t => t.OnFront).Select(t => seeded.TrialRunIds[t.Name]).Order().ToList();
        Assert.Equal(expected, (await AttributesAsync(front, "data-run-id")).Order().ToList());
        // Two steps between three members: down to the next member's top-1, then across to its CR.
        await Expect(page.GetByTestId("front-line")).ToHaveAttributeAsync("d", new Regex(@"^M[\d.]+,[\d.]+( V[\d.]+ H[\d.]+){2}$"));
        await Expect(page.GetByTestId("front-row")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("pareto-note")).ToContainTextAsync("The fq.pareto tags agree.");

        // t7 finishes beyond everyone's CR with a top-1 that beats t4: it joins the front, t4 leaves it.
        await LogOutcomeAsync(seeded.TrialRunIds["t7"], 50, 0.55);
        await page.GetByTestId("refresh").ClickAsync();

        await Expect(points).ToHaveCountAsync(7);
        await Expect(front).ToHaveCountAsync(3);
        await Expect(page.Locator($"[data-testid=point][data-run-id='{seeded.TrialRunIds["t7"]}']")).ToHaveAttributeAsync("data-front", "true");
        await Expect(page.Locator($"[data-testid=point][data-run-id='{seeded.TrialRunIds["t4"]}']")).ToHaveAttributeAsync("data-front", "false");
        await Expect(page.GetByTestId("pareto-note")).ToContainTextAsync("disagrees for t4, t7");
    }

    [Fact]
    public async Task A_sweep_address_opens_the_sweep_directly_and_names_from_the_logger_are_shown_as_text()
    {
        var seeded = await SeedSweepAsync();
        var evil = await CreateExperimentAsync("<img src=x onerror=alert(1)>");

        var page = await OpenAsync($"/#experiment={seeded.ExperimentId}&sweep={seeded.SweepRunId}");

        await Expect(page.GetByTestId("sweep-title")).ToHaveTextAsync("Sweep demo");
        await Expect(page.GetByTestId("point")).ToHaveCountAsync(6);
        await Expect(page.Locator($"[data-experiment-id='{evil}']")).ToHaveTextAsync("<img src=x onerror=alert(1)>");
        await Expect(page.Locator("nav img")).ToHaveCountAsync(0);
    }
}
