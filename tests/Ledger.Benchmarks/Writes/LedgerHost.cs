using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ledger.Api.Hosting;
using Ledger.Api.Security;

namespace Ledger.Benchmarks.Writes;

/// <summary>
/// The second ledger of a comparison, measured in turns with the first on one cluster: other settings
/// (<c>--ledger-env NAME=VALUE</c>, repeatable: a runtime knob, a <c>Ledger__…</c> option) or another build
/// (<c>--ledger-build FOLDER</c>, the output folder of another commit's <c>Ledger.Api</c>, to compare a code change in
/// one run), or both. The two share the cluster's database, so the other build must expect the same schema.
/// </summary>
internal sealed record ComparedLedger(IReadOnlyDictionary<string, string> Environment, string? Folder)
{
    public static readonly ComparedLedger None = new(new Dictionary<string, string>(), null);

    public bool Any => Environment.Count > 0 || Folder is not null;

    public string Label => string.Join(' ', (Folder is null ? [] : new[] { $"build {Folder}" }).Concat(Environment.Select(s => $"{s.Key}={s.Value}")));

    public ComparedLedger WithSetting(string setting)
    {
        var equals = setting.IndexOf('=');
        if (equals < 1) throw new ArgumentException($"--ledger-env needs NAME=VALUE, not '{setting}'");
        return this with { Environment = new Dictionary<string, string>(Environment) { [setting[..equals]] = setting[(equals + 1)..] } };
    }

    public ComparedLedger WithBuild(string folder)
    {
        var full = Path.GetFullPath(folder);
        var dll = Path.Combine(full, Path.GetFileName(typeof(LedgerSetup).Assembly.Location));
        return File.Exists(dll) ? this with { Folder = full } : throw new ArgumentException($"--ledger-build needs the folder of a built ledger: no {dll}");
    }
}

/// <summary>
/// The ledger as it is deployed: its own process (so its CPU is its own), Kestrel on a loopback port, started from its
/// own folder so appsettings.json applies, the sweep off and the per-user rate limit out of the way.
/// </summary>
internal sealed class LedgerHost : IAsyncDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private bool _disposed;
    private IDisposable? _killOnSignal;

    private LedgerHost(Process process, int port, string token)
    {
        _process = process;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Lean = new Reads.LeanHttp(Http.BaseAddress, token);
    }

    public int Pid => _process.Id;
    public HttpClient Http { get; }

    /// <summary>The measured load's client, as the clerk: it costs the machine a fraction of <see cref="Http"/>'s CPU.</summary>
    public Reads.LeanHttp Lean { get; }

    /// <param name="compared">For the second ledger of a comparison: its own settings over the defaults below, or its own build.</param>
    public static async Task<LedgerHost> StartAsync(string connectionString, string dataDirectory, ComparedLedger? compared = null)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var folder = compared?.Folder ?? Path.GetDirectoryName(typeof(LedgerSetup).Assembly.Location)!;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, Path.GetFileName(typeof(LedgerSetup).Assembly.Location))])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Ledger"] = connectionString,
                ["Urls"] = $"http://127.0.0.1:{port}",
                ["Ledger__Auth__SigningKey"] = Convert.ToBase64String(key),
                ["Ledger__DataDirectory"] = dataDirectory,
                ["Ledger__RateLimit__PerMinute"] = "100000000",
                ["Ledger__SweepInterval"] = "0",
                ["Ledger__SeedDemo"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            },
        };
        foreach (var (name, value) in compared?.Environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the ledger.");
        var token = LedgerAuth.CreateToken(key, "ledger", "ledger", "bench.clerk", [Roles.Clerk], Tenancy.Default, TimeSpan.FromHours(3));
        var host = new LedgerHost(process, port, token);
        host._killOnSignal = OnSignal.Undo(host.Kill);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilReadyAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > 40) _output.Dequeue();
        }
    }

    public string RecentOutput()
    {
        lock (_output) return string.Join('\n', _output);
    }

    private async Task WaitUntilReadyAsync()
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (_process.HasExited) throw new InvalidOperationException($"The ledger exited with {_process.ExitCode}:\n{RecentOutput()}");
            try
            {
                using var answer = await Http.GetAsync("/health/ready");
                if (answer.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The ledger did not become ready in 3 minutes:\n{RecentOutput()}");
    }

    /// <summary>Opens a household the way a clerk does; the holder is its first member.</summary>
    public async Task<Guid> OpenHouseholdAsync(int n, CancellationToken ct)
    {
        var body = $$"""{"holder":{"name":"户主{{n % 97}}","dateOfBirth":"1980-03-01"},"openedOn":"2024-01-01"}""";
        using var answer = await PostAsync("/households", Encoding.UTF8.GetBytes(body), ct);
        await using var stream = await answer.Content.ReadAsStreamAsync(ct);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        return json.RootElement.GetProperty("householdId").GetGuid();
    }

    /// <summary>Precomputed bodies: the generator should cost as little as it can.</summary>
    public static readonly byte[][] JoinBodies = [.. Enumerable.Range(0, 16).Select(i => Encoding.UTF8.GetBytes(
        $$"""{"name":"成员{{i}}号","dateOfBirth":"2010-05-05","relationship":"child","effectiveDate":"2024-06-01"}"""))];

    public async Task JoinMemberAsync(Guid household, byte[] body)
    {
        var path = $"/households/{household}/members";
        if (await Lean.PostAsync(path, body) is var status and not (int)HttpStatusCode.Created)
            throw new InvalidOperationException($"POST {path} answered {status}");
    }

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        var answer = await Http.SendAsync(request, ct);
        if (answer.StatusCode != HttpStatusCode.Created)
        {
            var problem = await answer.Content.ReadAsStringAsync(ct);
            answer.Dispose();
            throw new InvalidOperationException($"POST {path} answered {(int)answer.StatusCode}: {problem}");
        }
        return answer;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Kill()
    {
        if (!_process.HasExited) _process.Kill();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _killOnSignal?.Dispose();
        Http.Dispose();
        Lean.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
