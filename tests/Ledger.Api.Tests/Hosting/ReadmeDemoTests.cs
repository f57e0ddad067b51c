using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Api.Hosting;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// A first run as README describes it: <c>ledger</c> with no connection string, on a new embedded cluster, seeds the
/// demo households. The cluster is started by the test (so every command reuses it and the test stops it) in a data
/// folder of its own; the server keeps running while the commands run, as in a second terminal.
/// </summary>
public sealed partial class DemoLedger : IAsyncLifetime
{
    private EmbeddedPostgres? _postgres;
    private Process? _server;
    private readonly List<string> _log = [];

    public string Root { get; } = Directory.CreateTempSubdirectory("ledger-demo-").FullName;
    public Uri Address { get; private set; } = null!;

    public Dictionary<string, string?> Environment => new()
    {
        ["Ledger__DataDirectory"] = Root,
        ["Ledger__SweepInterval"] = "0",
    };

    public string Log
    {
        get { lock (_log) return string.Join("\n", _log); }
    }

    public async Task InitializeAsync()
    {
        _postgres = await EmbeddedPostgres.StartAsync(Root, null);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        psi.ArgumentList.Add(Repo.LedgerDll);
        psi.Environment.Remove("ConnectionStrings__Ledger");
        foreach (var (key, value) in Environment) psi.Environment[key] = value;
        psi.Environment["Urls"] = "http://127.0.0.1:0";
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Line(string? line)
        {
            if (line is null) return;
            lock (_log) _log.Add(line);
            if (Listening().Match(line) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
            if (line.Contains("Seeded 4 demo households")) seeded.TrySetResult();
        }
        _server = new Process { StartInfo = psi };
        _server.OutputDataReceived += (_, e) => Line(e.Data);
        _server.ErrorDataReceived += (_, e) => Line(e.Data);
        _server.Start();
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        try
        {
            Address = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
            await seeded.Task.WaitAsync(TimeSpan.FromMinutes(4));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("The demo ledger did not start and seed:\n" + Log);
        }
    }

    public async Task<(int Exit, string Output)> RunAsync(params string[] args) =>
        await Repo.RunLedgerAsync(args, Environment, TimeSpan.FromMinutes(2));

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        if (_postgres is not null) await _postgres.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}

/// <summary>README's commands and tour URLs against the seeded demo households, as printed.</summary>
[Collection(CliCollection.Name)]
public sealed partial class ReadmeDemoTests(DemoLedger demo) : IClassFixture<DemoLedger>
{
    private static readonly string Readme = File.ReadAllText(Repo.PathOf("README.md"));

    /// <summary>The arguments of README's <c>dotnet run --project src/Ledger.Api -- …</c> line that starts so, as printed.</summary>
    private static string[] Command(string start)
    {
        var line = Readme.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.StartsWith("dotnet run --project src/Ledger.Api -- " + start, StringComparison.Ordinal));
        Assert.True(line is not null, $"README has no command starting with '{start}'");
        var command = line!["dotnet run --project src/Ledger.Api -- ".Length..].Split('#')[0];
        return command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Replay_to_a_version_on_a_date_shows_the_family_as_it_stood()
    {
        var (exit, output) = await demo.RunAsync(Command("replay HH00000001 --to-version"));

        Assert.True(exit == 0, output);
        Assert.Contains("View after version 3, on 2025-04-01", output);
        Assert.Contains("张伟", output);
        Assert.Contains("2024-12-02T02:00:00Z", output); // recorded when the ledger took the account over
        Assert.DoesNotContain("张子涵", output);          // joined at version 4
    }

    [Fact]
    public async Task Replay_as_known_at_an_instant_shows_what_the_ledger_knew_then()
    {
        var (exit, then) = await demo.RunAsync(Command("replay HH00000002 --known-at"));
        Assert.True(exit == 0, then);
        Assert.Contains("as known at 2025-08-01T00:00:00Z", then);
        Assert.Contains("王建国", then);
        Assert.DoesNotContain("(death)", then);           // the death on 30 June was reported on 12 August

        (exit, var now) = await demo.RunAsync("replay", "HH00000002");
        Assert.True(exit == 0, now);
        Assert.Contains("2025-06-30 (death)", now);
        Assert.Contains("Death certificate received 2025-08-12", now);
    }

    [Fact]
    public async Task The_sweep_example_finds_the_demo_swept_along_its_story()
    {
        var (exit, output) = await demo.RunAsync(Command("sweep --date"));

        Assert.True(exit == 0, output);
        // The story's Monday sweeps recorded the grace and suspension when they were due; sweeping again adds nothing,
        // and the sweep's index no longer hands out the three households with policies, since none has anything due.
        Assert.Contains("Swept 0 households for 2025-04-10: recorded 0 transitions.", output);
    }

    [Fact]
    public async Task Audit_verify_and_the_2025_export_cover_the_story()
    {
        var (exit, output) = await demo.RunAsync(Command("audit verify"));
        Assert.True(exit == 0, output);
        Assert.Matches(@"verified Stored events against the audit trail: 4 households, [1-9]\d+ events", output);

        var csv = Path.Combine(demo.Root, "audit.csv");
        // As printed, but written into the test's own folder.
        var export = Command("audit export --from").Select(a => a == "audit.csv" ? csv : a).ToArray();
        Assert.Contains(csv, export);
        (exit, output) = await demo.RunAsync(export);
        Assert.True(exit == 0, output);
        var written = long.Parse(WrittenEvents().Match(output).Groups[1].Value.Replace(",", ""));
        var rows = File.ReadAllLines(csv);
        Assert.True(written > 20, output);
        Assert.Equal(written + 1, rows.Length);
        // 2025's facts, recorded in 2025; the accounts taken over in December 2024 are not in the period.
        Assert.Contains(rows, r => r.Contains(",MemberLeft,2025-06-30,2025-08-12T"));
        Assert.Contains(rows, r => r.Contains(",MemberDetailsCorrected,"));
        Assert.Contains(rows, r => r.Contains(",ClaimSubmitted,"));
        Assert.Contains(rows, r => r.Contains(",PolicyExpired,2026-01-01,2025-12-31T16:30:00"));  // the sweep on New Year's morning
        Assert.DoesNotContain(rows, r => r.Contains(",HouseholdOpened,"));
    }

    [Fact]
    public async Task The_tour_reads_the_demo_family_as_known_before_the_newborn_was_reported()
    {
        using var client = await ClientAsync();

        const string url = "/households/HH00000001/coverage?on=2025-04-01&knownAt=2025-03-21T00:00:00Z";
        Assert.Contains("localhost:5080" + url, Readme);
        var then = await GetAsync(client, url);
        var now = await GetAsync(client, "/households/HH00000001/coverage?on=2025-04-01");

        Assert.DoesNotContain("张子墨", then.GetRawText());
        Assert.Contains("张子墨", now.GetRawText());
    }

    [Theory]
    [InlineData("HH00000001", "2025-03-20", "2025-03-21T00:00:00Z")] // the newborn, reported the next morning
    [InlineData("HH00000002", "2025-07-01", "2025-08-01T00:00:00Z")] // the death, reported six weeks later
    [InlineData("HH00000003", "2025-01-01", "2025-01-15T00:00:00Z")] // a misspelt name, corrected in February
    [InlineData("HH00000004", "2025-01-20", "2025-02-01T00:00:00Z")] // the divorce, reported five weeks later
    public async Task Every_demo_household_was_known_differently_then(string number, string on, string knownAt)
    {
        using var client = await ClientAsync();

        var then = await GetAsync(client, $"/households/{number}/coverage?on={on}&knownAt={knownAt}");
        var now = await GetAsync(client, $"/households/{number}/coverage?on={on}");

        Assert.NotEqual(Members(then), Members(now));
    }

    [Fact]
    public async Task A_claim_paid_before_the_backdated_divorce_was_reported_is_now_a_recovery()
    {
        using var client = await ClientAsync();

        var then = Claim(await GetAsync(client, "/households/HH00000004/coverage?on=2025-02-15&knownAt=2025-02-15T00:00:00Z"));
        var now = Claim(await GetAsync(client, "/households/HH00000004/coverage?on=2025-02-15"));

        Assert.Equal("paid", then.GetProperty("status").GetString());
        Assert.Equal(8_000m, then.GetProperty("paid").GetDecimal());
        Assert.Equal(0m, then.GetProperty("recoveryDue").GetDecimal());
        Assert.Equal(0m, now.GetProperty("payable").GetDecimal());
        Assert.Equal(8_000m, now.GetProperty("recoveryDue").GetDecimal());

        static JsonElement Claim(JsonElement view) => Assert.Single(view.GetProperty("claims").EnumerateArray());
    }

    private static string Members(JsonElement view) => string.Join("; ", view.GetProperty("members").EnumerateArray()
        .Select(m => $"{m.GetProperty("name").GetString()} {m.GetProperty("status").GetString()}"));

    private async Task<HttpClient> ClientAsync()
    {
        var (exit, token) = await demo.RunAsync("token", "--role", "clerk,support,claimsAssessor", "--name", "clerk.li"); // README's T=$(…)
        Assert.True(exit == 0, token);
        var client = new HttpClient { BaseAddress = demo.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim().Split('\n')[^1].Trim());
        return client;
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        using var answer = await client.GetAsync(url);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, $"{url}: {(int)answer.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [GeneratedRegex(@"Wrote ([\d,]+) events")]
    private static partial Regex WrittenEvents();
}
