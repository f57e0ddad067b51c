using Microsoft.Playwright;

namespace Ledger.Console.Tests;

/// <summary>Helpers of the browser tests: open a page signed in, wait for the household, take screenshots.</summary>
[Collection(ConsoleCollection.Name)]
public abstract class ConsoleTest(ConsoleFixture fixture)
{
    protected ConsoleFixture Fixture { get; } = fixture;

    /// <summary>Opens a console address with a support token handed over in the fragment, as another tool would.</summary>
    protected async Task<IPage> OpenAsync(string path, string locale = "zh-CN", string? token = null)
    {
        var page = await Fixture.NewPageAsync(locale);
        await page.GotoAsync($"{path}#token={token ?? Fixture.SupportToken()}");
        await WaitReadyAsync(page);
        return page;
    }

    protected static async Task WaitReadyAsync(IPage page)
    {
        await page.WaitForSelectorAsync("body[data-ready=true]");
        await page.WaitForFunctionAsync("() => !document.querySelector('#household[aria-busy]')");
    }

    /// <summary>Waits until the household view shows what the address asks for, after a click or a key.</summary>
    protected static async Task WaitForUrlAsync(IPage page, string pattern)
    {
        // The console changes its address with history.pushState/replaceState. Playwright's WaitForURL follows navigation
        // events and once missed such a change (a CI run saw the address match and the wait still time out), so the
        // wait reads the document's own address.
        try { await page.WaitForFunctionAsync("pattern => new RegExp(pattern).test(location.href)", pattern, new PageWaitForFunctionOptions { Timeout = 10_000 }); }
        catch (TimeoutException) { throw new TimeoutException($"The address never matched {pattern}: it is {page.Url}."); }
        await page.WaitForFunctionAsync("() => !document.querySelector('#household[aria-busy]')");
    }

    protected static async Task ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        if (ConsoleFixture.ScreenshotFolder is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = fullPage });
    }

    protected static Task<string> TextAsync(ILocator locator) => locator.InnerTextAsync();
}
