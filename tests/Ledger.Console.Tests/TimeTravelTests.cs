using System.Text.Json;
using Microsoft.Playwright;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Console.Tests;

/// <summary>The cover timeline, the history beside the state, "on D as known at T", and deep links.</summary>
public sealed class TimeTravelTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [Fact]
    public async Task The_cover_timeline_shows_cover_waiting_periods_grace_and_claims()
    {
        var page = await OpenAsync("/console/households/HH00000001?on=2025-04-10");
        var block = page.Locator(".tl-block[data-product=MED-FAMILY]");
        Assert.Equal(1, await block.Locator(".tl-seg.pstatus-inGrace").CountAsync()); // the newborn's premium, due 03-20, paid 03-25
        Assert.Equal(4, await block.Locator(".tl-seg.waiting").CountAsync());
        Assert.Equal(6, await block.Locator(".tl-claim").CountAsync());
        Assert.Equal(1, await block.Locator(".tl-claim.outcome-rejected").CountAsync());
        var wang = await OpenAsync("/console/households/HH00000002?on=2025-04-10");
        Assert.Equal(1, await wang.Locator(".tl-block[data-product=CI-CLASSIC] .tl-seg.pstatus-suspended").CountAsync());
        await block.ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "timeline.png");
    }

    [Fact]
    public async Task Clicking_a_day_on_the_timeline_shows_the_household_on_that_day()
    {
        var page = await OpenAsync("/console/households/HH00000001?on=2025-04-10");
        var track = page.Locator(".tl-block[data-product=MED-FAMILY] .tl-track").First;
        var box = (await track.BoundingBoxAsync())!;
        // 2025 has 365 days; 1 June is day 151 (from 0).
        await track.ClickAsync(new LocatorClickOptions { Position = new Position { X = box.Width * 151.5f / 365, Y = box.Height / 2 } });
        await WaitForUrlAsync(page, "on=2025-06-01");  // the address says which day was picked
        Assert.Contains("2025-06-01 当日", await page.InnerTextAsync("#household-sub"));

        // A claim's marker opens its loss date; the slider steps day by day from the keyboard.
        await page.Locator(".tl-block[data-product=MED-FAMILY] .tl-claim.outcome-rejected").ClickAsync();
        await WaitForUrlAsync(page, "on=2025-03-25");
        await page.FocusAsync(".tl-block[data-product=MED-FAMILY] .tl-slider");
        await page.Keyboard.PressAsync("ArrowRight");
        await WaitForUrlAsync(page, "on=2025-03-26");
        Assert.Equal("2025-03-26", await page.InputValueAsync("#on"));
    }

    [Fact]
    public async Task Stepping_through_versions_updates_the_view_in_place_and_says_what_changed()
    {
        var page = await OpenAsync("/console/households/HH00000001?on=2025-04-10");
        var events = await Fixture.GetJsonAsync("/households/HH00000001/history");
        var total = events.GetArrayLength();
        Assert.Contains("选择一个版本", await page.InnerTextAsync("#changes"));

        await page.EvaluateAsync("() => window.scrollTo(0, 1500)");
        var scrolled = await page.EvaluateAsync<double>("() => window.scrollY");
        await page.Keyboard.PressAsync("ArrowLeft");
        await WaitForUrlAsync(page, $"version={total}");
        Assert.Contains($"版本 v{total} / {total}", await page.InnerTextAsync("#position"));
        Assert.Equal(scrolled, await page.EvaluateAsync<double>("() => window.scrollY"));
        var history = (await page.Locator("#history").BoundingBoxAsync())!;
        Assert.True(history.Y >= 0 && history.Y < 100, "the history stays beside the view while the page is scrolled");

        // Clicking an event shows the household right after it, and what it changed.
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        var joined = page.Locator("#events li", new PageLocatorOptions { HasText = "成员加入 · 张子墨" }).Locator("button");
        await joined.ClickAsync();
        var version = VersionOf(events, "MemberJoined", "张子墨");
        await WaitForUrlAsync(page, $"version={version}$");
        Assert.Contains("新成员 张子墨（子女）", await page.InnerTextAsync("#changes"));
        Assert.Equal(version.ToString(), await page.InputValueAsync("#version-slider"));
        Assert.Equal("step", await joined.GetAttributeAsync("aria-current"));

        await page.Keyboard.PressAsync("ArrowRight");
        await WaitForUrlAsync(page, $"version={version + 1}$");
        Assert.NotEqual("", (await page.InnerTextAsync("#changes")).Trim());

        // The slider, from the keyboard: Home is the first version.
        await page.FocusAsync("#version-slider");
        await page.Keyboard.PressAsync("Home");
        await WaitForUrlAsync(page, "version=1$");
        Assert.Contains("第一个版本", await page.InnerTextAsync("#changes"));
        await page.Locator("#live").ClickAsync();
        await WaitForUrlAsync(page, "on=2025-04-10$");
    }

    [Fact]
    public async Task Underwriting_decisions_are_listed_in_words_not_as_stored_values()
    {
        var page = await OpenAsync("/console/households/HH00000002");
        var events = await page.InnerTextAsync("#events");

        Assert.Contains("CI-CLASSIC: 已承保", events);
        Assert.Contains("LTC-HOME: 转人工核保", events);
        Assert.DoesNotContain(": accepted", events);
        Assert.DoesNotContain(": referred", events);
    }

    [Fact]
    public async Task A_claim_version_says_the_claim_was_added_and_how_it_ended()
    {
        var events = await Fixture.GetJsonAsync("/households/HH00000001/history");
        var adjudicated = events.EnumerateArray().First(e => e.GetProperty("type").GetString() == "ClaimAdjudicated"
            && e.GetProperty("data").GetProperty("adjudication").GetProperty("rejectionCode").GetString() == "WaitingPeriod").GetProperty("version").GetInt64();
        var page = await OpenAsync($"/console/households/HH00000001?on=2025-04-10&version={adjudicated}");
        Assert.Contains("理赔 张子墨 2025-03-25：状态", await page.InnerTextAsync("#changes"));
        Assert.Contains("拒赔", await page.InnerTextAsync("#changes"));
        await ScreenshotAsync(page, "history.png");
    }

    [Fact]
    public async Task The_bitemporal_picture_plots_every_event_and_marks_backdated_ones()
    {
        var page = await OpenAsync("/console/households/HH00000002?on=2025-07-01");
        var events = await Fixture.GetJsonAsync("/households/HH00000002/history");
        Assert.Equal(events.GetArrayLength(), await page.Locator("svg.bitemporal g").CountAsync());
        // The father's death (effective 2025-06-30) was recorded later: a backdated fact.
        var death = page.Locator("#events li", new PageLocatorOptions { HasText = "成员离开 · 王建国" });
        Assert.Contains("补录", await TextAsync(death));
        Assert.True(await page.Locator("svg.bitemporal .pt.late").CountAsync() >= 1);
        // Events recorded at one instant share a point; the click goes to the one asked for.
        await page.Locator("svg.bitemporal g").Nth(2).DispatchEventAsync("click");
        await WaitForUrlAsync(page, "version=3$");
        await ScreenshotAsync(page, "bitemporal.png");
    }

    [Fact]
    public async Task One_click_moments_and_pickers_in_the_insurers_time_zone()
    {
        var page = await OpenAsync("/console/households/HH00000002?on=2025-04-10");
        var events = await Fixture.GetJsonAsync("/households/HH00000002/history");
        var beforePolicies = events.EnumerateArray().Last(e => e.GetProperty("version").GetInt64() == 4);
        var recordedAt = beforePolicies.GetProperty("recordedAt").GetString()!;

        var option = page.Locator("#moments option", new PageLocatorOptions { HasText = "v4 " });
        await page.SelectOptionAsync("#moments", new SelectOptionValue { Value = await option.GetAttributeAsync("value") });
        await WaitForUrlAsync(page, "knownAt=");
        Assert.Equal(recordedAt, new Uri(page.Url).Query.Split('&').Select(Uri.UnescapeDataString).First(p => p.StartsWith("knownAt=")).Split('=')[1]);
        Assert.Contains("没有保单", await page.InnerTextAsync("#view-body"));
        // The pickers show the insurer's wall clock (Asia/Shanghai), whatever the browser's zone (Europe/Berlin here).
        var local = InstantPattern.ExtendedIso.Parse(recordedAt).Value.InZone(Shanghai);
        Assert.Equal(local.Date.ToString("yyyy-MM-dd", null), await page.InputValueAsync("#known-date"));
        Assert.Equal(local.TimeOfDay.ToString("HH:mm:ss", null), await page.InputValueAsync("#known-time"));
        Assert.Contains($"按 {local.Date:yyyy-MM-dd} {local.TimeOfDay:HH:mm:ss} 所知", await page.InnerTextAsync("#household-sub"));
        await ScreenshotAsync(page, "known-at.png");

        // Typed by hand: 23:59:59 in Shanghai is 15:59:59 UTC.
        await page.FillAsync("#known-date", local.Date.ToString("yyyy-MM-dd", null));
        await page.FillAsync("#known-time", "23:59:59");
        await page.ClickAsync("#moment-form button[type=submit]");
        await WaitForUrlAsync(page, "knownAt=");
        Assert.Contains($"knownAt={Uri.EscapeDataString($"{local.Date:yyyy-MM-dd}T15:59:59Z")}", page.Url);
        Assert.Contains($"按 {local.Date:yyyy-MM-dd} 23:59:59 所知", await page.InnerTextAsync("#household-sub"));
        await page.ClickAsync("#now");
        await WaitForUrlAsync(page, "/HH00000002$");
    }

    [Fact]
    public async Task A_deep_link_opens_the_version_date_and_moment_it_names()
    {
        var page = await OpenAsync("/console/households/HH00000001?on=2025-03-25&version=10");
        Assert.Contains("2025-03-25 当日，按版本 v10 所知", await page.InnerTextAsync("#household-sub"));
        Assert.Equal("10", await page.InputValueAsync("#version-slider"));
        Assert.Equal("selected", await page.GetAttributeAsync("#events li[data-version='10']", "class"));
        Assert.Equal("2025-03-25", await page.InputValueAsync("#on"));

        var history = await Fixture.GetJsonAsync("/households/HH00000002/history");
        var knownAt = history.EnumerateArray().First(e => e.GetProperty("type").GetString() == "PolicyIssued").GetProperty("recordedAt").GetString()!;
        var known = await OpenAsync($"/console/households/hh00000002?on=2025-04-10&knownAt={Uri.EscapeDataString(knownAt)}");
        Assert.Contains("CI-CLASSIC", await known.InnerTextAsync("#view-body"));
        Assert.DoesNotContain("王磊 · CI-CLASSIC", await known.InnerTextAsync("#view-body")); // the claim was recorded later

        var unknown = await OpenAsync("/console/households/HH09999999");
        Assert.Contains("找不到 HH09999999", await unknown.InnerTextAsync("#alert"));
    }

    [Fact]
    public async Task Keyboard_only_from_sign_in_to_a_version()
    {
        var page = await Fixture.NewPageAsync();
        await page.GotoAsync("/console/households/HH00000001?on=2025-04-10");
        await WaitReadyAsync(page);
        await TabToAsync(page, "document.activeElement.id === 'dev-token'");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#household:not([hidden]) .members");
        await TabToAsync(page, "document.activeElement.classList.contains('tl-slider')");
        await page.Keyboard.PressAsync("ArrowLeft");
        await WaitForUrlAsync(page, "on=2025-04-09");
        await TabToAsync(page, "document.activeElement.classList.contains('event')");
        await page.Keyboard.PressAsync("Enter");
        await WaitForUrlAsync(page, "version=1$");
        // Focus stays where the agent was, so the next Tab continues from there.
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement.classList.contains('event')"));
    }

    [Fact]
    public async Task Axe_finds_no_serious_or_critical_violation()
    {
        var pages = new List<(string Name, IPage Page)>();
        var signIn = await Fixture.NewPageAsync();
        await signIn.GotoAsync("/console/households/HH00000001");
        await WaitReadyAsync(signIn);
        pages.Add(("sign-in", signIn));
        pages.Add(("home", await OpenAsync("/console/")));
        pages.Add(("household", await OpenAsync("/console/households/HH00000001?on=2025-04-10")));
        pages.Add(("version", await OpenAsync("/console/households/HH00000001?on=2025-04-10&version=12")));
        pages.Add(("english", await OpenAsync("/console/households/HH00000002?on=2025-04-10&lang=en", "en")));
        var found = new List<string>();
        foreach (var (name, page) in pages)
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Url = "/vendor/axe-core/axe.min.js" });
            var violations = await page.EvaluateAsync<JsonElement>(
                "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations" +
                ".filter(v => v.impact === 'serious' || v.impact === 'critical')" +
                ".map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)");
            found.AddRange(violations.EnumerateArray().Select(v => $"{name}: {v.GetString()}"));
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    private static async Task TabToAsync(IPage page, string condition)
    {
        for (var i = 0; i < 120; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => {condition}")) return;
        }
        throw new InvalidOperationException($"Tab never reached an element where {condition}.");
    }

    private static long VersionOf(JsonElement events, string type, string name) =>
        events.EnumerateArray().First(e => e.GetProperty("type").GetString() == type && e.GetProperty("data").GetProperty("name").GetString() == name)
            .GetProperty("version").GetInt64();
}
