using System.Globalization;
using Ledger.Api.Hosting;
using Npgsql;

namespace Ledger.Benchmarks.Writes;

/// <summary>
/// A throwaway cluster set up for counting the work (pg_stat_statements loaded, utility statements tracked), with its
/// admin connection, the counting relay in front of it and the meters reading both; stopped on Ctrl-C or SIGTERM too.
/// </summary>
internal sealed class MeasuredCluster : IAsyncDisposable
{
    private readonly IDisposable _stopOnSignal;

    private MeasuredCluster(string bin, EmbeddedPostgres postgres, NpgsqlDataSource admin, RoundTripProxy proxy, Meters meters, IDisposable stopOnSignal)
    {
        Bin = bin;
        Postgres = postgres;
        Admin = admin;
        Proxy = proxy;
        Meters = meters;
        _stopOnSignal = stopOnSignal;
    }

    public string Bin { get; }
    public EmbeddedPostgres Postgres { get; }
    public NpgsqlDataSource Admin { get; }
    public RoundTripProxy Proxy { get; }
    public Meters Meters { get; }

    /// <param name="settings">Server settings beside the ones every benchmark needs (shared_buffers for the reads).</param>
    public static async Task<MeasuredCluster> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var bin = EmbeddedPostgres.FindBinDirectory(null) ?? throw new PostgresUnavailableException("No PostgreSQL server binaries.\n" + PostgresUnavailableException.Remedies);
        var postgres = await EmbeddedPostgres.StartThrowawayAsync(new Dictionary<string, string>
        {
            ["shared_preload_libraries"] = "pg_stat_statements",
            ["pg_stat_statements.track_utility"] = "on",
            ["pg_stat_statements.max"] = "10000",
        }.Concat(settings ?? new Dictionary<string, string>()).ToDictionary(), bin);
        var stopOnSignal = OnSignal.Undo(() => postgres.DisposeAsync().AsTask().GetAwaiter().GetResult());
        // No command timeout for the harness itself: a vacuum or a size query over a million households outlasts Npgsql's 30 s.
        var admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { CommandTimeout = 0 }.ConnectionString);
        await using (var extension = admin.CreateCommand("create extension if not exists pg_stat_statements")) await extension.ExecuteNonQueryAsync();
        var postmaster = int.Parse(File.ReadLines(Path.Combine(postgres.DataDirectory, "postmaster.pid")).First().Trim(), CultureInfo.InvariantCulture);
        var proxy = new RoundTripProxy(postgres.Port);
        return new MeasuredCluster(bin, postgres, admin, proxy, new Meters(admin, postmaster, proxy), stopOnSignal);
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Admin.DisposeAsync();
        _stopOnSignal.Dispose();
        await Postgres.DisposeAsync();
    }
}
