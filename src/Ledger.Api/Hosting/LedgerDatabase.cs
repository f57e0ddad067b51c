using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// Where the ledger's PostgreSQL is: <c>ConnectionStrings:Ledger</c> when set, else the embedded local
/// cluster, started on first use. Disposing it stops a cluster this process started.
/// </summary>
public sealed class LedgerDatabase(IConfiguration configuration) : IAsyncDisposable
{
    private readonly Lazy<Task<(string ConnectionString, EmbeddedPostgres? Embedded)>> _resolved =
        new(() => ResolveAsync(configuration));

    /// <summary>True when no connection string is configured and the ledger runs its own cluster.</summary>
    public bool IsEmbedded => string.IsNullOrWhiteSpace(configuration.GetConnectionString("Ledger"));

    /// <summary>True once the embedded cluster has been created by this process (first run: seed demo data).</summary>
    public bool WasCreated => _resolved.IsValueCreated && _resolved.Value.Result.Embedded?.Created == true;

    // Marten reads the connection string while it builds its options, synchronously: block once, at start-up.
    public string ConnectionString => _resolved.Value.GetAwaiter().GetResult().ConnectionString;

    public string? EmbeddedDataDirectory => IsEmbedded ? DataRoot(configuration) : null;

    public static string DataRoot(IConfiguration configuration) =>
        configuration["Ledger:DataDirectory"] is { Length: > 0 } configured ? configured : EmbeddedPostgres.DefaultRoot();

    private static async Task<(string, EmbeddedPostgres?)> ResolveAsync(IConfiguration configuration)
    {
        if (configuration.GetConnectionString("Ledger") is { Length: > 0 } configured)
            return (configured, null);
        var embedded = await EmbeddedPostgres.StartAsync(DataRoot(configuration), configuration["Ledger:PostgresBinDirectory"]);
        return (embedded.ConnectionString, embedded);
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (_resolved.IsValueCreated && _resolved.Value.IsCompletedSuccessfully && _resolved.Value.Result.Embedded is { } pg)
            await pg.DisposeAsync();
    }
}
