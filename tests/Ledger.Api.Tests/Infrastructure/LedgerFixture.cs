using Alba;
using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Wolverine;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>
/// One real ledger host for the whole test assembly, on a throwaway PostgreSQL cluster started by the same
/// launcher <c>ledger</c> uses (or on <c>LEDGER_TEST_CONNECTION</c> when set). Tests isolate themselves by
/// opening their own households, so no reset is needed between them.
/// </summary>
public sealed class LedgerFixture : IAsyncLifetime
{
    /// <summary>10:00 in Shanghai on 2025-06-15: "today" for every test unless a test moves the clock.</summary>
    public static readonly Instant Start = Instant.FromUtc(2025, 6, 15, 2, 0);

    private EmbeddedPostgres? _postgres;

    public const string DefaultUser = "test.user";

    public static readonly byte[] SigningKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public static string Token(string name, params string[] roles) =>
        Ledger.Api.Security.LedgerAuth.CreateToken(SigningKey, "ledger", "ledger", name, roles, "default", TimeSpan.FromHours(1));

    /// <summary>A header that makes one request as <paramref name="name"/> (a clerk unless roles are given).</summary>
    public static (string, string) As(string name, params string[] roles) =>
        ("Authorization", "Bearer " + Token(name, roles.Length == 0 ? [Ledger.Api.Security.Roles.Clerk] : roles));

    public FakeClock Clock { get; } = new(Start);
    public IAlbaHost Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_TEST_CONNECTION");
        if (string.IsNullOrWhiteSpace(configured))
        {
            _postgres = await EmbeddedPostgres.StartThrowawayAsync();
            ConnectionString = _postgres.ConnectionString;
        }
        else
        {
            ConnectionString = configured;
        }

        JasperFxEnvironment.AutoStartHost = true;
        Host = await AlbaHost.For<Program>(web =>
        {
            web.UseSetting("ConnectionStrings:Ledger", ConnectionString);
            web.UseSetting("Ledger:SeedDemo", "false");
            web.UseSetting("Ledger:SweepInterval", "0");
            web.UseSetting("Ledger:Auth:SigningKey", Convert.ToBase64String(SigningKey));
            web.UseSetting("Ledger:RateLimit:PerMinute", "1000000");
            web.ConfigureServices(services =>
            {
                services.AddSingleton<IClock>(Clock);
                services.RunWolverineInSoloMode();
                services.DisableAllExternalWolverineTransports();
            });
        });
        Client = Host.Server.CreateClient();
        // Most tests act as one user holding every role; the role matrix and actor tests use their own tokens.
        Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token(DefaultUser, Ledger.Api.Security.Roles.All));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
    }

    /// <summary>Events in the whole store: a refused request must leave it unchanged.</summary>
    public async Task<long> CountEventsAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from ledger.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<LedgerFixture>
{
    public const string Name = "ledger";
}
