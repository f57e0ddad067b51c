using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ledger.Api.SupportConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Playwright;

namespace Ledger.Console.Tests;

/// <summary>Signing in: the development button, a pasted token, a token in the link, and clear words when a token will not do.</summary>
public sealed class SignInTests(ConsoleFixture fixture) : ConsoleTest(fixture)
{
    [Fact]
    public async Task A_first_visit_asks_to_sign_in_without_an_error_or_a_401()
    {
        var page = await Fixture.NewPageAsync();
        var statuses = new List<string>();
        var errors = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) statuses.Add($"{r.Status} {r.Url}"); };
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await page.GotoAsync("/console/households/HH00000001");
        await WaitReadyAsync(page);

        Assert.True(await page.IsVisibleAsync("#sign-in"));
        Assert.True(await page.IsVisibleAsync("#dev-token"));
        Assert.False(await page.IsVisibleAsync("#household"));
        Assert.False(await page.IsVisibleAsync("#search-form"));
        Assert.Contains("请先登录", await page.InnerTextAsync("#sign-in-problem"));
        Assert.Equal("note", await page.GetAttributeAsync("#sign-in-problem", "class"));
        Assert.Equal(0, await page.Locator(".problem:visible").CountAsync());
        Assert.Empty(statuses);
        Assert.Empty(errors);
        // Browsers ask for /favicon.ico on their own: it is a public file, never a 401.
        var favicon = await page.APIRequest.GetAsync("/favicon.ico");
        Assert.Equal(200, favicon.Status);
        await ScreenshotAsync(page, "sign-in.png");
    }

    [Fact]
    public async Task The_development_button_signs_in_as_support_and_opens_the_linked_household()
    {
        var page = await Fixture.NewPageAsync();
        await page.GotoAsync("/console/households/HH00000001?on=2025-04-10");
        await WaitReadyAsync(page);
        await page.ClickAsync("#dev-token");
        await page.WaitForSelectorAsync("#household:not([hidden]) .members");

        Assert.Contains(ConsoleEndpoints.DevelopmentActor, await page.InnerTextAsync("#signed-in"));
        Assert.Contains("HH00000001 · 张伟", await page.InnerTextAsync("#household-heading"));
        Assert.EndsWith("/console/households/HH00000001?on=2025-04-10", page.Url);
    }

    [Fact]
    public async Task A_token_in_the_fragment_is_kept_and_removed_from_the_address_bar()
    {
        var page = await OpenAsync("/console/households/HH00000001");
        Assert.DoesNotContain("token", page.Url);
        Assert.EndsWith("/console/households/HH00000001", page.Url);
        Assert.False(string.IsNullOrEmpty(await page.EvaluateAsync<string>("() => sessionStorage.getItem('ledger.token')")));
        Assert.True(await page.IsVisibleAsync(".members"));
    }

    [Fact]
    public async Task A_pasted_token_signs_in()
    {
        var page = await Fixture.NewPageAsync();
        await page.GotoAsync("/console/");
        await WaitReadyAsync(page);
        await page.FillAsync("#token-input", Fixture.SupportToken());
        await page.ClickAsync("#token-form button[type=submit]");
        await page.WaitForSelectorAsync("#results li");
        Assert.Contains("agent.wu", await page.InnerTextAsync("#signed-in"));
        Assert.True(await page.Locator("#results li").CountAsync() >= 4);
    }

    public static TheoryData<string, string> Problems => new()
    {
        { "", "请粘贴令牌后再点“登录”。" },
        { "not-a-token", "这不是一个令牌" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task Unusable_input_is_named_in_words(string pasted, string expected)
    {
        var page = await Fixture.NewPageAsync();
        await page.GotoAsync("/console/");
        await WaitReadyAsync(page);
        await page.FillAsync("#token-input", pasted);
        await page.ClickAsync("#token-form button[type=submit]");
        Assert.Contains(expected, await page.InnerTextAsync("#sign-in-problem"));
        Assert.Equal("problem", await page.GetAttributeAsync("#sign-in-problem", "class"));
    }

    [Fact]
    public async Task An_expired_token_says_when_it_expired()
    {
        var page = await Fixture.NewPageAsync();
        await page.GotoAsync("/console/");
        await WaitReadyAsync(page);
        // Token expiry is checked against the real clock (the JWT handler's), not the ledger's business calendar.
        var expiredAt = NodaTime.SystemClock.Instance.GetCurrentInstant().Minus(NodaTime.Duration.FromHours(2)).ToDateTimeOffset();
        await page.FillAsync("#token-input", Sign(Fixture.SigningKey, expiredAt, "support"));
        await page.ClickAsync("#token-form button[type=submit]");
        var text = await page.InnerTextAsync("#sign-in-problem");
        Assert.Contains("令牌已于", text);
        Assert.Contains("过期", text);
        // Said in the insurer's time, not the browser's (Europe/Berlin here).
        Assert.Contains(expiredAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm"), text);
        await ScreenshotAsync(page, "sign-in-expired.png");
    }

    [Fact]
    public async Task A_token_of_another_key_is_refused_in_words_and_forgotten()
    {
        var page = await Fixture.NewPageAsync();
        await page.GotoAsync($"/console/households/HH00000001#token={Sign(RandomNumberGenerator.GetBytes(32), NodaTime.SystemClock.Instance.GetCurrentInstant().Plus(NodaTime.Duration.FromHours(1)).ToDateTimeOffset(), "support")}");
        await WaitReadyAsync(page);
        Assert.Contains("台账不接受这个令牌", await page.InnerTextAsync("#sign-in-problem"));
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('ledger.token')"));
    }

    [Theory]
    [InlineData("regulator", "这个令牌的角色（regulator）不能查看")]
    [InlineData("service", "这个令牌的角色（service）不能查看历史记录")]
    public async Task A_token_without_the_right_role_says_which_role_is_needed(string role, string expected)
    {
        var page = await OpenAsync("/console/households/HH00000001", token: Fixture.Token("someone", [role]));
        var text = await page.InnerTextAsync("#sign-in-problem");
        Assert.Contains(expected, text);
        Assert.Contains("support", text);
    }

    [Fact]
    public async Task Signing_out_forgets_the_token()
    {
        var page = await OpenAsync("/console/households/HH00000001");
        await page.ClickAsync("#sign-out");
        Assert.True(await page.IsVisibleAsync("#sign-in"));
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('ledger.token')"));
    }

    [Theory]
    [InlineData("Production", "", "", false)]
    [InlineData("Staging", "", "", false)]
    [InlineData("Development", "https://id.example.test", "", false)]
    [InlineData("Development", "", "c2lnbmluZy1rZXktb2YtYS1yZWFsLWRlcGxveW1lbnQ=", false)]
    [InlineData("Development", "", "", true)]
    public void The_development_token_exists_only_in_Development_with_the_ledgers_own_key(string environment, string authority, string signingKey, bool mapped)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration["Ledger:Auth:Authority"] = authority;
        builder.Configuration["Ledger:Auth:SigningKey"] = signingKey;
        var app = builder.Build();
        ConsoleEndpoints.Map(app);
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText);
        Assert.Equal(mapped, routes.Contains(ConsoleEndpoints.DevelopmentTokenPath));
    }

    [Fact]
    public async Task The_development_token_is_a_support_token_the_ledger_accepts()
    {
        var page = await Fixture.NewPageAsync();
        var answer = await page.APIRequest.PostAsync("/console/dev-token");
        Assert.Equal(200, answer.Status);
        var token = (await answer.JsonAsync())!.Value.GetProperty("token").GetString();
        var view = await page.APIRequest.GetAsync("/households/HH00000001", new() { Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" } });
        Assert.Equal(200, view.Status);
        var write = await page.APIRequest.PostAsync("/households", new()
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
            DataObject = new { holder = new { name = "试", dateOfBirth = "1990-01-01" }, openedOn = "2025-01-01" },
        });
        Assert.Equal(403, write.Status); // support reads; it never writes
    }

    /// <summary>An HS256 JWT as the ledger signs them, with an expiry of the test's choosing (also in the past).</summary>
    private static string Sign(byte[] key, DateTimeOffset expires, string role)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["name"] = "agent.old", ["role"] = new[] { role }, ["tenant"] = "default", ["iss"] = "ledger", ["aud"] = "ledger",
            ["iat"] = expires.AddHours(-8).ToUnixTimeSeconds(), ["nbf"] = expires.AddHours(-8).ToUnixTimeSeconds(), ["exp"] = expires.ToUnixTimeSeconds(),
        }));
        var signature = B64(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }
}
