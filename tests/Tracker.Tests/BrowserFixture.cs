using Microsoft.Playwright;

namespace FocusedQuantization.Tracker.Tests;

/// <summary>One headless Debian chromium, driven by Playwright, shared by the tests of a class.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium package (infra/setup.sh installs it); Playwright's own browser download is never used.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright playwright = null!;

    /// <summary>The running browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: run infra/setup.sh (or apt-get install chromium) to install Debian's chromium.");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath, Headless = true,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}
