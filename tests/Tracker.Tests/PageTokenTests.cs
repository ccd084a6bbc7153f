using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FocusedQuantization.Tracker.Tests;

public sealed class PageTokenTests(BrowserFixture browser) : PageTestBase(browser)
{
    protected override string? Token => "page-token-42";

    [Fact]
    public async Task Without_the_token_the_page_says_unauthorized_and_shows_no_experiments()
    {
        await SeedSweepAsync();

        var page = await OpenAsync("/");

        await Expect(page.GetByTestId("unauthorized")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("unauthorized")).ToContainTextAsync("Unauthorized");
        await Expect(page.GetByTestId("experiment")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task With_token_in_the_address_once_the_page_shows_the_runs_and_keeps_the_token_for_the_tab()
    {
        var seeded = await SeedSweepAsync();

        var page = await OpenAsync($"/?token={Token}#experiment={seeded.ExperimentId}");

        await Expect(page.GetByTestId("run")).ToHaveCountAsync(1 + Trials.Length + 1);
        await Expect(page.GetByTestId("unauthorized")).ToBeHiddenAsync();
        Assert.DoesNotContain("token", page.Url);
        await page.ReloadAsync();
        await Expect(page.GetByTestId("run")).ToHaveCountAsync(1 + Trials.Length + 1);
        await page.GotoAsync(new Uri(BaseAddress, $"/?token=wrong#experiment={seeded.ExperimentId}").ToString());
        await Expect(page.GetByTestId("unauthorized")).ToBeVisibleAsync();
    }
}
