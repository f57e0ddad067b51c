using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>Raised when no PostgreSQL can be had; the message tells the user the ways to get one.</summary>
public sealed class PostgresUnavailableException(string message) : Exception(message)
{
    public const string Remedies =
        "Ways to get a database:\n" +
        "  - install the PostgreSQL server package (Debian/Ubuntu: apt-get install postgresql), then run ledger again;\n" +
        "  - run one with Docker: docker compose up -d db, and set ConnectionStrings__Ledger as in README.md;\n" +
        "  - point the ledger at any PostgreSQL 15+: export ConnectionStrings__Ledger='Host=...;Port=5432;Database=ledger;Username=...;Password=...'";
}

/// <summary>
/// A local PostgreSQL cluster run from the machine's server binaries, in a data folder the ledger owns.
/// It lets <c>ledger</c> and the test suite run with no database set up by hand. PostgreSQL refuses to run
/// as root, so as root every server command runs as the <c>postgres</c> user.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string DatabaseName = "ledger";
    private const string SuperUser = "ledger";

    private readonly string _binDirectory;
    private readonly bool _throwaway;
    private bool _startedByUs;
    private IReadOnlyDictionary<string, string> _serverSettings = new Dictionary<string, string>();

    private EmbeddedPostgres(string root, string binDirectory, bool throwaway)
    {
        Root = root;
        _binDirectory = binDirectory;
        _throwaway = throwaway;
    }

    /// <summary>The folder holding the cluster (<c>postgres/</c>), its password and its log.</summary>
    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "postgres");
    public string LogFile => Path.Combine(Root, "postgres.log");
    private string PasswordFile => Path.Combine(Root, "postgres.password");

    public int Port { get; private set; }

    /// <summary>True when this call created the cluster (so the caller may seed demo data).</summary>
    public bool Created { get; private set; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = DatabaseName,
        Username = SuperUser,
        Password = File.ReadAllText(PasswordFile).Trim(),
        // A local cluster: keep the pool small, the machine may be a laptop.
        MaxPoolSize = 50,
    }.ConnectionString;

    private static bool RunningAsRoot => Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows();

    /// <summary>The default data folder: <c>/var/lib/ledger</c> as root (the postgres user can reach it), else the user's data folder.</summary>
    public static string DefaultRoot() => RunningAsRoot
        ? "/var/lib/ledger"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "ledger");

    /// <summary>Finds <c>initdb</c> and <c>pg_ctl</c>: the configured folder, then the usual install places, newest version first, then PATH.</summary>
    public static string? FindBinDirectory(string? configured, int? major = null)
    {
        static bool HasServer(string dir) =>
            File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "postgres"));

        if (!string.IsNullOrWhiteSpace(configured))
            return HasServer(configured) ? configured : null;

        var candidates = new List<string>();
        foreach (var parent in new[] { "/usr/lib/postgresql", "/usr/pgsql", "/opt/homebrew/opt", "/usr/local/opt" })
        {
            if (!Directory.Exists(parent)) continue;
            candidates.AddRange(Directory.GetDirectories(parent)
                .Select(d => Path.Combine(d, "bin"))
                .OrderByDescending(d => VersionOf(d)));
        }
        // A cluster can only be run by its own major version: prefer it when the data folder says which.
        if (major is { } wanted) candidates = [.. candidates.Where(d => VersionOf(d) == wanted), .. candidates.Where(d => VersionOf(d) != wanted)];
        candidates.Add("/usr/local/pgsql/bin");
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(HasServer);

        static int VersionOf(string binDir)
        {
            var name = Path.GetFileName(Path.GetDirectoryName(binDir)) ?? "";
            var digits = new string(name.Where(char.IsAsciiDigit).ToArray());
            return int.TryParse(digits, out var v) ? v : 0;
        }
    }

    /// <summary>Starts the cluster in <paramref name="root"/>, creating it on first use, or reuses it if it is already running.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(string root, string? binDirectory, CancellationToken ct = default)
    {
        var versionFile = Path.Combine(Path.GetFullPath(root), "postgres", "PG_VERSION");
        int? major = File.Exists(versionFile) && int.TryParse(File.ReadAllText(versionFile).Trim(), out var v) ? v : null;
        var bin = FindBinDirectory(binDirectory, major) ?? throw new PostgresUnavailableException(
            "No ConnectionStrings:Ledger is set, so the ledger wanted to start its own PostgreSQL, " +
            "but no PostgreSQL server binaries (initdb, pg_ctl, postgres) were found" +
            (string.IsNullOrWhiteSpace(binDirectory) ? "." : $" in '{binDirectory}'.") + "\n" +
            PostgresUnavailableException.Remedies);
        var pg = new EmbeddedPostgres(Path.GetFullPath(root), bin, throwaway: false);
        await pg.StartAsync(ct);
        return pg;
    }

    /// <summary>A fresh cluster in a temporary folder, deleted when disposed: one per test run.</summary>
    public static Task<EmbeddedPostgres> StartThrowawayAsync(string? binDirectory = null, CancellationToken ct = default) =>
        StartThrowawayAsync(new Dictionary<string, string>(), binDirectory, ct);

    /// <summary>
    /// A throwaway cluster started with extra server settings (passed as <c>-c name=value</c>): the benchmark needs
    /// <c>shared_preload_libraries</c>, which only takes effect at server start.
    /// </summary>
    public static async Task<EmbeddedPostgres> StartThrowawayAsync(
        IReadOnlyDictionary<string, string> serverSettings, string? binDirectory = null, CancellationToken ct = default)
    {
        var bin = FindBinDirectory(binDirectory) ?? throw new PostgresUnavailableException(
            "The tests need PostgreSQL: no server binaries were found and LEDGER_TEST_CONNECTION is not set.\n" +
            PostgresUnavailableException.Remedies);
        var root = Path.Combine(Path.GetTempPath(), $"ledger-test-{Guid.NewGuid():N}");
        var pg = new EmbeddedPostgres(root, bin, throwaway: true) { _serverSettings = serverSettings };
        try
        {
            await pg.StartAsync(ct);
        }
        catch
        {
            await pg.DisposeAsync();
            throw;
        }
        return pg;
    }

    private async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Root);
        // Two processes (the API and a CLI command) may start at once: one prepares and starts, the other waits, then reuses.
        await using var startLock = await LockAsync(Path.Combine(Root, ".start.lock"), ct);
        PrepareFolders();
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await InitDbAsync(ct);
            Created = true;
        }

        if (await IsRunningAsync(ct) && ReadPortFromPidFile() is { } runningPort && await AnswersAsync(runningPort, ct))
        {
            Port = runningPort;
        }
        else
        {
            RemoveStalePidFile();
            Port = FreePort();
            await StartServerAsync(ct);
        }

        await EnsureDatabaseAsync(ct);
    }

    /// <summary>Starts the server of a prepared cluster on <see cref="Port"/>; the outage tests start it again with it.</summary>
    public async Task StartServerAsync(CancellationToken ct = default)
    {
        var settings = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{DataDirectory}'";
        if (_throwaway) settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        foreach (var (name, value) in _serverSettings) settings += $" -c {name}={value}";
        await RunAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", settings, "start"], ct);
        _startedByUs = true;
    }

    /// <summary>Stops the server (fast shutdown: open connections are closed), keeping the cluster for a later start.</summary>
    public Task StopServerAsync(CancellationToken ct = default) =>
        RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], ct);

    private void PrepareFolders()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(DataDirectory);
        if (!OperatingSystem.IsWindows())
        {
            // The postgres user must be able to reach the cluster folder through its parent.
            File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                       | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (!File.Exists(PasswordFile))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var file = new FileStream(PasswordFile, options);
            using var writer = new StreamWriter(file);
            writer.Write(Convert.ToHexString(RandomNumberGenerator.GetBytes(24)));
        }
        if (RunningAsRoot)
        {
            RunChecked("chown", ["-R", "postgres:postgres", DataDirectory]);
            if (File.Exists(LogFile)) RunChecked("chown", ["postgres:postgres", LogFile]);
            else
            {
                File.WriteAllText(LogFile, "");
                RunChecked("chown", ["postgres:postgres", LogFile]);
            }
        }
    }

    private async Task InitDbAsync(CancellationToken ct)
    {
        // initdb reads the password from a file the server user can read; it is removed straight after.
        var pwfile = Path.Combine(DataDirectory, "..", $".pwfile-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(pwfile, File.ReadAllText(PasswordFile).Trim() + "\n", ct);
        try
        {
            if (RunningAsRoot) RunChecked("chown", ["postgres:postgres", pwfile]);
            List<string> args = ["-D", DataDirectory, "-U", SuperUser, $"--pwfile={pwfile}", "-A", "scram-sha-256", "-E", "UTF8", "--no-locale"];
            if (_throwaway) args.Add("--no-sync");
            await RunAsync("initdb", args, ct);
        }
        finally
        {
            File.Delete(pwfile);
        }
    }

    private async Task<bool> IsRunningAsync(CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))) return false;
        var (exit, _) = await RunRawAsync("pg_ctl", ["-D", DataDirectory, "status"], ct);
        return exit == 0;
    }

    private int? ReadPortFromPidFile()
    {
        // postmaster.pid line 4 holds the port the running server listens on.
        var lines = File.ReadAllLines(Path.Combine(DataDirectory, "postmaster.pid"));
        return lines.Length > 3 && int.TryParse(lines[3].Trim(), out var port) ? port : null;
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", conn);
        exists.Parameters.AddWithValue("name", DatabaseName);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database {DatabaseName} encoding 'UTF8'", conn);
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == "42P04")
            {
                // Created by another process in the meantime.
            }
        }
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    /// <summary>Whether a server really listens on the port a pid file names (the pid may belong to another process now).</summary>
    private async Task<bool> AnswersAsync(int port, CancellationToken ct)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// After a crash or a container restart, postmaster.pid may name a process id that now belongs to something else;
    /// PostgreSQL then refuses to start. Such a file is removed; one naming a live postgres is left alone.
    /// </summary>
    private void RemoveStalePidFile()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile)) return;
        var lines = File.ReadAllLines(pidFile);
        if (lines.Length > 0 && int.TryParse(lines[0].Trim(), out var pid))
        {
            var cmdline = $"/proc/{pid}/cmdline";
            if (File.Exists(cmdline) && File.ReadAllText(cmdline).Contains("postgres", StringComparison.Ordinal)) return;
        }
        File.Delete(pidFile);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var (exit, output) = await RunRawAsync(tool, args, ct);
        if (exit != 0)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "";
            throw new PostgresUnavailableException(
                $"PostgreSQL's {tool} failed (exit {exit}) for the cluster in {DataDirectory}:\n{output.Trim()}\n{log}".TrimEnd());
        }
    }

    private async Task<(int Exit, string Output)> RunRawAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = RunningAsRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", Path.Combine(_binDirectory, tool), .. args])
            : new ProcessStartInfo(Path.Combine(_binDirectory, tool), args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        // The server must not inherit a working folder the postgres user cannot enter.
        psi.WorkingDirectory = Root;
        using var process = Process.Start(psi) ?? throw new PostgresUnavailableException($"Could not start {tool}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void RunChecked(string tool, IReadOnlyList<string> args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true })
                            ?? throw new PostgresUnavailableException($"Could not start {tool}.");
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new PostgresUnavailableException($"{tool} {string.Join(' ', args)} failed: {process.StandardError.ReadToEnd()}");
    }

    /// <summary>Stops the server if this process started it; a throwaway cluster is also deleted.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_startedByUs || (_throwaway && File.Exists(Path.Combine(DataDirectory, "postmaster.pid"))))
        {
            NpgsqlConnection.ClearAllPools();
            await RunRawAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], CancellationToken.None);
            _startedByUs = false;
        }
        if (_throwaway && Directory.Exists(Root))
            Directory.Delete(Root, recursive: true);
    }
}
