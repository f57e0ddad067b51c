using System.Net.Sockets;
using System.Text;
using Ledger.Api.Hosting;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Testing;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// The ledger on real Kestrel at a loopback port, on a PostgreSQL cluster of its own that a test may stop and start.
/// The shared fixture's test server bypasses Kestrel, so whatever Kestrel decides (limits, request parsing) and
/// whatever a database outage does to the whole host is tested here.
/// </summary>
public sealed class KestrelLedger : IAsyncDisposable
{
    private KestrelLedger(EmbeddedPostgres postgres, WebApplication app, Uri address, CapturedLog log)
    {
        Log = log;
        Postgres = postgres;
        App = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new("Bearer", LedgerFixture.Token(LedgerFixture.DefaultUser, Ledger.Api.Security.Roles.All));
        Api = new Infrastructure.Api(Client);
    }

    public EmbeddedPostgres Postgres { get; }
    public WebApplication App { get; }
    public Uri Address { get; }
    public HttpClient Client { get; }
    public Infrastructure.Api Api { get; }

    /// <summary>The last lines the ledger logged: its warnings and errors, and its projection daemon's news.</summary>
    public CapturedLog Log { get; }

    public static async Task<KestrelLedger> StartAsync()
    {
        var postgres = await EmbeddedPostgres.StartThrowawayAsync();
        var log = new CapturedLog();
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(Program).Assembly.GetName().Name, EnvironmentName = "Production",
                // The console's files are served as users get them: a refusal must not fall through to the page.
                ContentRootPath = Infrastructure.Repo.PathOf("src/Ledger.Api"),
            });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Ledger"] = postgres.ConnectionString,
                ["Ledger:SeedDemo"] = "false",
                ["Ledger:SweepInterval"] = "0",
                ["Ledger:Auth:SigningKey"] = Convert.ToBase64String(LedgerFixture.SigningKey),
                ["Ledger:RateLimit:PerMinute"] = "1000000",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.AddLedger();
            builder.Logging.AddProvider(log);
            // The daemon's starts, stops, pauses and high-water skips: what a stalled projection leaves behind.
            builder.Logging.AddFilter<CapturedLog>("Marten.Events.Daemon", LogLevel.Information);
            builder.Services.AddSingleton<IClock>(new FakeClock(LedgerFixture.Start));
            var app = builder.Build();
            app.UseLedger();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new KestrelLedger(postgres, app, new Uri(address), log);
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Sends bytes exactly as written (HttpClient would re-encode the target) and reads one answer:
    /// status, content type, <c>Retry-After</c> and body.
    /// </summary>
    public async Task<(int Status, string? ContentType, string Body)> RawAsync(string method, string target, params string[] headers)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Address.Host, Address.Port);
        await using var stream = tcp.GetStream();
        var request = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: {Address.Authority}\r\n");
        request.Append($"Authorization: {Client.DefaultRequestHeaders.Authorization}\r\n");
        foreach (var header in headers) request.Append(header).Append("\r\n");
        request.Append("Connection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(30));
        var bytes = received.ToArray();
        var split = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        var lines = Encoding.ASCII.GetString(bytes, 0, split < 0 ? bytes.Length : split).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        string? Header(string name) => lines.Skip(1).Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p[1].Trim()).FirstOrDefault();
        var body = split < 0 ? [] : bytes[(split + 4)..];
        if (Header("Transfer-Encoding") == "chunked") body = Dechunk(body);
        return (status, Header("Content-Type")?.Split(';')[0], Encoding.UTF8.GetString(body));
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        var body = new MemoryStream();
        var at = 0;
        while (true)
        {
            var end = at + chunked.AsSpan(at).IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, end - at).Split(';')[0], 16);
            if (size == 0) return body.ToArray();
            body.Write(chunked, end + 2, size);
            at = end + 2 + size + 2;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>One Kestrel-hosted ledger for a test class whose tests leave its database running.</summary>
public sealed class KestrelLedgerFixture : IAsyncLifetime
{
    public KestrelLedger Ledger { get; private set; } = null!;

    public async Task InitializeAsync() => Ledger = await KestrelLedger.StartAsync();

    public async Task DisposeAsync() => await Ledger.DisposeAsync();
}
