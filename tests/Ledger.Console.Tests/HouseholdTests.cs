using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Ledger.Console.Tests;

/// <summary>The household page against the demo households, and the two questions support staff are asked.</summary>
public sealed partial class HouseholdTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", RegexOptions.IgnoreCase)]
    private static partial Regex Guid();

    /// <summary>
    /// "Was 张子墨 covered for illness on 10 April, and if not, why?" An agent finds the family by her name, opens it,
    /// picks 10 April, and reads her line on the medical policy: accidents yes, illness no, waiting period to 18 April.
    /// </summary>
    [Fact]
    public async Task Question_was_张子墨_covered_for_illness_on_10_April()
    {
        var page = await OpenAsync("/console/");
        await page.FillAsync("#search-input", "张子墨");
        await page.PressAsync("#search-input", "Enter");
        await page.WaitForSelectorAsync("#results li");
        Assert.Equal(1, await page.Locator("#results li").CountAsync());
        await page.ClickAsync("#results a");
        await WaitForUrlAsync(page, "/console/households/HH00000001$");
        await page.FillAsync("#on", "2025-04-10");
        await page.ClickAsync("#moment-form button[type=submit]");
        await WaitForUrlAsync(page, @"on=2025-04-10");

        var answer = page.Locator(".policy[data-product=MED-FAMILY] .insured > li[data-person=张子墨]");
        var line = await TextAsync(answer);
        Assert.Contains("意外：保障中", line);
        Assert.Contains("疾病：等待期至 2025-04-18（2025-04-19 起保障疾病）", line);
        Assert.Contains("2025-04-10 当日", await page.InnerTextAsync("#household-sub"));
        await answer.ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "question-illness.png");
    }

    /// <summary>
    /// "Why was this claim paid 1,310.00?" (赵敏's claim; the demo households have none paying 1,310.00.) The agent opens
    /// the household and reads the claim's breakdown: 2,000.00 claimed, 500.00 personal deductible, 10 % coinsurance,
    /// 40.00 of premium unpaid in the grace period deducted (保险法 §36) = 1,310.00, each step with its rule in words.
    /// </summary>
    [Fact]
    public async Task Question_why_was_this_claim_paid_1310()
    {
        var page = await OpenAsync($"/console/households/{Fixture.GraceHouseholdNumber}?on=2025-12-31");
        var card = page.Locator(".claim[data-payable='1,310.00']");
        Assert.Contains("赵敏 · MA-CARE", await TextAsync(card.Locator("h3")));
        Assert.Contains("2,000.00", await TextAsync(card.Locator("tr.step-claimed")));
        Assert.Contains("− 500.00", await TextAsync(card.Locator("tr.step-deductible")));
        Assert.Contains("个人免赔额 500.00：本案之前已用 0.00，本案用 500.00。", await TextAsync(card.Locator("tr.step-deductible")));
        Assert.Contains("− 150.00", await TextAsync(card.Locator("tr.step-coinsurance")));
        Assert.Contains("免赔后金额 1,500.00 × 保险公司承担比例 90% = 1,350.00。", await TextAsync(card.Locator("tr.step-coinsurance")));
        var premium = await TextAsync(card.Locator("tr.step-premium"));
        Assert.Contains("− 40.00", premium);
        Assert.Contains("出险日处于宽限期，欠缴保费 40.00 从赔款中扣除（保险法第36条）", premium);
        Assert.Equal("= 1,310.00", (await TextAsync(card.Locator("tr.step-payable td.amount"))).Trim());
        await card.ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "question-claim.png");
    }

    /// <summary>
    /// The same question for the demo family's claim paying 2,000.00: the family deductible was used up by earlier
    /// claims. Every approved claim's steps add up to its payable, and each step says which rule applied.
    /// </summary>
    [Fact]
    public async Task Every_approved_claim_adds_up_step_by_step_with_its_rules_in_words()
    {
        var page = await OpenAsync("/console/households/HH00000001?on=2025-12-31");
        var card = page.Locator(".claim[data-payable='2,000.00']").First;
        Assert.Contains("张伟 · MED-FAMILY", await TextAsync(card.Locator("h3")));
        Assert.Contains("家庭共用免赔额 10,000.00：本案之前已用 10,000.00，本案用 0.00。", await TextAsync(card.Locator("tr.step-deductible")));

        foreach (var approved in await page.Locator(".claim.cstatus-approved, .claim.cstatus-paid").AllAsync())
        {
            var amounts = await approved.Locator("tr td.amount").AllInnerTextsAsync();
            var values = amounts.Select(a => decimal.Parse(a.Replace("−", "").Replace("=", "").Replace(",", "").Trim(), CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(values[^1], values[0] - values.Skip(1).SkipLast(1).Sum());
            var reasons = await approved.Locator("tr:not(.step-claimed):not(.step-payable) td.why").AllInnerTextsAsync();
            Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r)));
        }
    }

    [Fact]
    public async Task A_rejected_claim_explains_its_rule_code_in_words()
    {
        var page = await OpenAsync("/console/households/HH00000001?on=2025-12-31");
        var rejected = page.Locator(".claim.cstatus-rejected").First;
        Assert.Contains("张子墨 · MED-FAMILY", await TextAsync(rejected.Locator("h3")));
        Assert.Contains("等待期（WaitingPeriod）：疾病发生在等待期内", await TextAsync(rejected.Locator("tr.step-notCovered")));
    }

    [Fact]
    public async Task Members_show_relationship_age_and_their_roles_on_each_policy()
    {
        var page = await OpenAsync("/console/households/HH00000001?on=2025-06-01");
        var holder = await TextAsync(page.Locator(".members tr[data-person=张伟]"));
        Assert.Contains("本人（户主）", holder);
        Assert.Contains("40", holder);
        Assert.Contains("MED-FAMILY 投保人、被保险人", holder);
        Assert.Contains("MOTOR-FAMILY 投保人", holder);
        var baby = await TextAsync(page.Locator(".members tr[data-person=张子墨]"));
        Assert.Contains("子女", baby);
        Assert.Contains("MED-FAMILY 被保险人", baby);

        // 王建国 died on 2025-06-30, aged 90: the deceased do not grow older.
        var wang = await OpenAsync("/console/households/HH00000002?on=2025-12-01");
        var father = await TextAsync(wang.Locator(".members tr[data-person=王建国]"));
        Assert.Contains("90（去世时）", father);
        Assert.Contains("2025-06-30 离开：身故", father);
    }

    [Fact]
    public async Task Policy_cards_show_status_with_its_reason_term_paid_through_balance_and_counters()
    {
        var page = await OpenAsync("/console/households/HH00000002?on=2025-04-10");
        var card = page.Locator(".policy[data-product=CI-CLASSIC]");
        var text = await TextAsync(card);
        Assert.Contains("中止", text);
        Assert.Contains("自 2025-03-03 起中止：2025-01-01 到期的保费 2,600.00 未缴；宽限期已于 2025-03-02 结束", text);
        Assert.Contains("2025-01-01 – 2025-12-31", text);
        Assert.Contains("首期保费未缴", text);
        Assert.Contains("欠缴 2,600.00", text);
        Assert.Contains("王磊", text);
        Assert.Contains("疾病保险（重疾）", text);

        var zhang = await OpenAsync("/console/households/HH00000001?on=2025-04-10");
        var medical = await TextAsync(zhang.Locator(".policy[data-product=MED-FAMILY]"));
        Assert.Contains("有效：保费已缴至 2025-12-31。", medical);
        Assert.Contains("家庭共用免赔额", medical);
        Assert.Contains("已用 10,000.00 / 10,000.00，剩余 0.00", medical);
        Assert.Equal(1, await zhang.Locator(".policy[data-product=MED-FAMILY] .counter .fill.full").CountAsync());
        await card.ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "policy-suspended.png");
    }

    [Fact]
    public async Task A_referred_application_shows_while_it_waits_for_an_underwriter()
    {
        // The father's long-term care application (89 is outside the automatic band), as known when it was referred.
        var history = await Fixture.GetJsonAsync("/households/HH00000002/history");
        var referred = history.EnumerateArray().First(e => e.GetProperty("type").GetString() == "UnderwritingDecided"
                                                           && e.GetProperty("data").GetProperty("outcome").GetString() == "referred");
        var page = await OpenAsync($"/console/households/HH00000002?on=2025-04-10&knownAt={Uri.EscapeDataString(referred.GetProperty("recordedAt").GetString()!)}");
        Assert.Contains("LTC-HOME · 转人工核保", await page.InnerTextAsync(".applications"));
    }

    [Fact]
    public async Task The_main_view_shows_no_raw_id_or_json_but_ids_are_there_on_demand()
    {
        foreach (var path in new[] { "/console/households/HH00000001?on=2025-12-31", "/console/households/HH00000002?on=2025-04-10", "/console/households/HH00000001?version=20" })
        {
            var page = await OpenAsync(path);
            var text = await page.InnerTextAsync("main");
            Assert.DoesNotMatch(Guid(), text);
            Assert.DoesNotContain("{\"", text);
            await page.Locator(".policy details.ids summary").First.ClickAsync();
            Assert.Matches(Guid(), await page.InnerTextAsync(".policy details.ids[open]"));
        }
    }

    [Fact]
    public async Task English_labels_on_request_kept_for_the_next_visit()
    {
        var page = await OpenAsync("/console/households/HH00000002?on=2025-04-10");
        Assert.Equal("zh-CN", await page.GetAttributeAsync("html", "lang"));
        await page.ClickAsync("#lang");
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Members", await page.InnerTextAsync("#members-heading"));
        Assert.Contains("suspended since 2025-03-03: the premium of 2,600.00 due 2025-01-01 was not paid; grace ended 2025-03-02",
            await TextAsync(page.Locator(".policy[data-product=CI-CLASSIC]")));
        await page.ReloadAsync();
        await WaitReadyAsync(page);
        Assert.Equal("History", await page.InnerTextAsync("#history-heading"));
        await ScreenshotAsync(page, "english.png");
    }

    [Fact]
    public async Task Fits_1366_by_768_without_scrolling_the_page_sideways()
    {
        foreach (var (path, locale) in new[]
                 {
                     ("/console/", "zh-CN"), ("/console/households/HH00000001?on=2025-04-10", "zh-CN"),
                     ("/console/households/HH00000002?on=2025-04-10&lang=en", "en"), ("/console/households/HH00000001?version=12", "zh-CN"),
                 })
        {
            var page = await OpenAsync(path, locale);
            var (scroll, width) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("() => window.innerWidth"));
            Assert.True(scroll <= width, $"{path}: the page is {scroll}px wide in a {width}px window");
            if (path.Contains("households"))
            {
                // The history stands beside the state, not below it.
                var state = await page.Locator("#state").BoundingBoxAsync();
                var history = await page.Locator("#history").BoundingBoxAsync();
                Assert.True(history!.X > state!.X + state.Width - 1 && history.Y < 200, $"{path}: history at {history.X},{history.Y}");
            }
        }
    }
}
