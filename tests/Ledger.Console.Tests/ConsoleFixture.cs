using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Ledger.Console.Tests;

/// <summary>
/// The ledger as a user starts it in Development: its own embedded PostgreSQL in a throwaway data folder, the demo
/// households seeded on first run, served by Kestrel on a real port; and Debian's Chromium driven by Playwright
/// (browsers cannot be downloaded here, so the system one is launched by path).
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Where screenshots go when LEDGER_CONSOLE_SCREENSHOTS names a folder (docs/console when refreshing the docs).</summary>
    public static readonly string? ScreenshotFolder = Environment.GetEnvironmentVariable("LEDGER_CONSOLE_SCREENSHOTS");

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"ledger-console-{Guid.NewGuid():N}");
    private WebApplicationFactory<Program>? _factory;

    public string BaseUrl { get; private set; } = "";
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The key the ledger made in its data folder, which development tokens are signed with.</summary>
    public byte[] SigningKey { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var port = FreePort();
        JasperFxEnvironment.AutoStartHost = true;
        // The ledger reads some settings (the signing key's folder) while the builder is still being set up, before the
        // factory's own settings apply; environment variables are seen from the start. This process hosts one ledger.
        Environment.SetEnvironmentVariable("Ledger__DataDirectory", _dataDirectory);
        // appsettings.json names port 5080; a test must not take a port another ledger on this machine may use.
        Environment.SetEnvironmentVariable("Urls", $"http://127.0.0.1:{port}");
        Environment.SetEnvironmentVariable("Ledger__SweepInterval", "0");
        Environment.SetEnvironmentVariable("Ledger__RateLimit__PerMinute", "1000000");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.UseEnvironment("Development"));
        _factory.UseKestrel();
        try
        {
            _factory.StartServer();
            var addresses = _factory.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
            BaseUrl = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))?.Replace("localhost", "127.0.0.1").Replace("[::]", "127.0.0.1").TrimEnd('/')
                      ?? $"http://127.0.0.1:{port}";
            System.Console.WriteLine($"console tests: ledger at {string.Join(", ", addresses)}");
            // The development key the ledger keeps in its data folder (made on first use, as for `ledger token`).
            SigningKey = Ledger.Api.Security.LedgerAuth.SigningKey(_factory.Services.GetRequiredService<IConfiguration>());
            await WaitForDemoDataAsync();
            GraceHouseholdNumber = await RecordClaimPaidInGraceAsync();
            Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath(), Headless = true });
        }
        catch
        {
            // xUnit does not dispose a fixture whose start failed: stop the ledger and its PostgreSQL here.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        // Stopping the host stops the embedded PostgreSQL it started.
        if (_factory is not null) await _factory.DisposeAsync();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// 赵敏's household, recorded by the test: a medical accident policy whose premium of 40.00 is unpaid, and a claim of
    /// 2,000.00 in the grace period that pays 1,310.00 (500.00 deductible, 90 % coinsurance, the unpaid premium deducted).
    /// The demo households have no claim paying 1,310.00.
    /// </summary>
    public string GraceHouseholdNumber { get; private set; } = "";

    private async Task<string> RecordClaimPaidInGraceAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("clerk.zhao", [Ledger.Api.Security.Roles.Clerk]));
        async Task<JsonElement> PostAsync(string path, object body)
        {
            using var answer = await client.PostAsJsonAsync(path, body);
            var text = await answer.Content.ReadAsStringAsync();
            if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)answer.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        var household = await PostAsync("/households", new { holder = new { name = "赵敏", dateOfBirth = "1980-05-06" }, openedOn = "2024-12-01" });
        var (id, holder) = (household.GetProperty("householdId").GetString(), household.GetProperty("holderId").GetString());
        var policy = await PostAsync($"/households/{id}/policies", new
        {
            category = "medicalAccident", productCode = "MA-CARE", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 40m } },
        });
        await PostAsync($"/households/{id}/claims", new
        {
            policyId = policy.GetProperty("policyId").GetString(), personId = holder, lossDate = "2025-02-10", cause = "accident", amount = 2000m, description = "手术并发症",
        });
        return household.GetProperty("householdNumber").GetString()!;
    }

    public string Token(string name, string[] roles, TimeSpan? lifetime = null) =>
        Ledger.Api.Security.LedgerAuth.CreateToken(SigningKey, "ledger", "ledger", name, roles, "default", lifetime ?? TimeSpan.FromHours(1));

    public string SupportToken() => Token("agent.wu", [Ledger.Api.Security.Roles.Support]);

    /// <summary>A page the size of a support agent's laptop, in a browser whose own zone is not the insurer's.</summary>
    public async Task<IPage> NewPageAsync(string locale = "zh-CN")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = locale,
            TimezoneId = "Europe/Berlin",
            BaseURL = BaseUrl,
        });
        return await context.NewPageAsync();
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SupportToken());
        return JsonDocument.Parse(await client.GetStringAsync(path)).RootElement.Clone();
    }

    /// <summary>The seeder runs once the host has started; wait until the four demo households stop changing.</summary>
    private async Task WaitForDemoDataAsync()
    {
        var last = "";
        var problem = "";
        var unchanged = 0;
        for (var i = 0; i < 240; i++)
        {
            var now = "";
            try { now = (await GetJsonAsync("/households")).GetRawText(); } catch (HttpRequestException e) { problem = e.Message; }
            // Four households whose versions have not moved for two seconds: the seeder has finished.
            unchanged = now.Length > 0 && now == last ? unchanged + 1 : 0;
            if (unchanged >= 4 && JsonDocument.Parse(now).RootElement.GetArrayLength() >= 4) return;
            last = now;
            await Task.Delay(500);
        }
        throw new TimeoutException($"The demo households were not seeded within two minutes ({problem}; last answer {last}).");
    }

    private static string ChromiumPath()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_CHROMIUM");
        foreach (var candidate in new[] { configured, "/usr/bin/chromium", "/usr/bin/chromium-browser" })
            if (!string.IsNullOrWhiteSpace(candidate) && File.Exists(candidate)) return candidate;
        throw new InvalidOperationException("The console tests need Chromium: apt-get install -y chromium fonts-noto-cjk (or set LEDGER_CHROMIUM).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
