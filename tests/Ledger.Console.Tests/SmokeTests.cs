namespace Ledger.Console.Tests;

public sealed class SmokeTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task Household_page_renders()
    {
        var page = await OpenAsync("/console/households/HH00000001?on=2025-04-10");
        await ScreenshotAsync(page, "smoke-household.png", fullPage: true);
        Assert.Contains("张子墨", await page.InnerTextAsync("#view-body"));
    }
}
