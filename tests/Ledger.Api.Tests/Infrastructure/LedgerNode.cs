using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Ledger.Api.Security;

namespace Ledger.Api.Tests.Infrastructure;

/// <summary>
/// One ledger process started from the built ledger.dll, as operations.md runs it: configured by environment variables
/// only, on a database it is given, with a signing key the test shares so it can mint any role's token of any tenant.
/// In cluster mode (<c>Ledger__Cluster=true</c>) it also waits for the Wolverine node id the process prints.
/// </summary>
public sealed partial class LedgerNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly byte[] _key;
    private readonly Queue<string> _output = new();
    private readonly string _dataDirectory;

    private LedgerNode(Process process, byte[] key, Uri address, string dataDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        _process = process;
        _key = key;
        Address = address;
        _dataDirectory = dataDirectory;
        Settings = settings;
    }

    public Uri Address { get; }

    /// <summary>The node's Wolverine id in cluster mode; empty otherwise.</summary>
    public Guid NodeId { get; private set; }

    public bool Killed { get; private set; }

    /// <summary>The configuration the node runs with (not its address), so a CLI command can run against the same databases.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <param name="settings">More environment variables, e.g. <c>Ledger__Cluster</c> or a tenant's database.</param>
    public static async Task<LedgerNode> StartAsync(string connectionString, byte[] key, IReadOnlyDictionary<string, string>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Ledger"] = connectionString,
            ["Ledger__Auth__SigningKey"] = Convert.ToBase64String(key),
            ["Ledger__SeedDemo"] = "false",
            ["Ledger__DataDirectory"] = Directory.CreateTempSubdirectory("ledger-node-").FullName,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Ledger.Api.Hosting.ClusterNode"] = "Information",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) configuration[name] = value;

        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(Repo.LedgerDll)! };
        psi.ArgumentList.Add(Repo.LedgerDll);
        foreach (var (name, value) in configuration) psi.Environment[name] = value;
        psi.Environment["Urls"] = $"http://127.0.0.1:{port}";
        var node = new LedgerNode(Process.Start(psi)!, key, new Uri($"http://127.0.0.1:{port}"), configuration["Ledger__DataDirectory"]!, configuration);
        var named = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Line(string? line)
        {
            if (line is null) return;
            lock (node._output)
            {
                node._output.Enqueue(line);
                if (node._output.Count > 60) node._output.Dequeue();
            }
            if (NodeLine().Match(line) is { Success: true } m) named.TrySetResult(Guid.Parse(m.Groups[1].Value));
        }
        node._process.OutputDataReceived += (_, e) => Line(e.Data);
        node._process.ErrorDataReceived += (_, e) => Line(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        try
        {
            if (configuration.GetValueOrDefault("Ledger__Cluster") == "true") node.NodeId = await named.Task.WaitAsync(TimeSpan.FromMinutes(2));
            await node.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        }
        catch
        {
            await node.DisposeAsync();
            throw new InvalidOperationException("A ledger node did not start:\n" + node.RecentOutput());
        }
        return node;
    }

    /// <summary>A client whose token names the default tenant and these roles.</summary>
    public HttpClient Client(params string[] roles) => ClientOf(Tenancy.Default, roles);

    /// <summary>A client whose token names <paramref name="tenant"/> and these roles, signed with the node's key.</summary>
    public HttpClient ClientOf(string tenant, params string[] roles)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        var token = LedgerAuth.CreateToken(_key, "ledger", "ledger", $"{string.Join('+', roles)}.{tenant}.test", roles, tenant, TimeSpan.FromHours(1));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Runs a <c>ledger</c> command with the node's configuration, while the node runs.</summary>
    public Task<(int Exit, string Output)> RunCommandAsync(params string[] args) =>
        Repo.RunLedgerAsync(args, Settings.ToDictionary(), TimeSpan.FromMinutes(3));

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"exited with {_process.ExitCode}");
            try
            {
                if ((await http.GetAsync("/health/live")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("not live");
    }

    /// <summary>SIGKILL: no shutdown hook runs, the node's rows stay behind as they would after a power cut.</summary>
    public void Kill()
    {
        Killed = true;
        _process.Kill();
        _process.WaitForExit();
    }

    public string RecentOutput()
    {
        lock (_output) return $"node {NodeId} at {Address}:\n" + string.Join('\n', _output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Cluster node ([0-9a-fA-F-]{36}) in process")]
    private static partial Regex NodeLine();
}
