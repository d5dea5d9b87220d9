using Microsoft.Playwright;

namespace Parity.Render.Tests;

/// <summary>
/// Playwright for .NET driving Debian's chromium (installed by the build, as the other Debian packages
/// are): Playwright's own browser download cannot work offline, so its executable path is given.
/// One browser for the test class.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";

    IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Executable, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
