using Marten;
using Marten.Storage;
using Npgsql;
using Weasel.Core.MultiTenancy;
using Weasel.Postgresql;
using Weasel.Postgresql.Connections;

namespace Ledger.Api.Hosting;

/// <summary>
/// Where each insurer's (tenant's) events and documents live: Marten's sharded tenancy (decision 0014). The default
/// database holds the pool and the tenants' placements, and every tenant nobody placed; <c>Ledger:Tenants:&lt;t&gt;:ConnectionString</c>
/// or <c>ledger tenants add</c> places a tenant in a database of its own. Within a database tenants stay conjoined.
/// </summary>
public sealed class TenantDatabases(IDocumentStore store)
{
    /// <summary>The id of the database <c>ConnectionStrings:Ledger</c> names.</summary>
    public const string Default = "default";

    /// <summary>The tenants configuration places, by tenant: <c>Ledger:Tenants:&lt;tenant&gt;:ConnectionString</c>.</summary>
    public static IReadOnlyDictionary<string, string> Configured(IConfiguration configuration) =>
        configuration.GetSection("Ledger:Tenants").GetChildren()
            .Where(t => !string.IsNullOrWhiteSpace(t["ConnectionString"]))
            .ToDictionary(t => t.Key, t => t["ConnectionString"]!, StringComparer.Ordinal);

    /// <summary>
    /// A database's id in the pool: <c>default</c> for the default database, else where it is (host, port, database),
    /// so two tenants placed on one database share it (one daemon, one schema), and a password change keeps the id.
    /// </summary>
    public static string IdOf(string connectionString, string defaultConnectionString)
    {
        static string Where(string cs)
        {
            var b = new NpgsqlConnectionStringBuilder(cs);
            return $"{b.Host}:{b.Port}/{b.Database}";
        }
        return Where(connectionString) == Where(defaultConnectionString) ? Default : Where(connectionString);
    }

    /// <summary>
    /// Refuses a database whose host and database name are another pool member's (on another port): Marten's
    /// <c>DatabaseId</c>, which names each database's projection agents in Wolverine's cluster, is host and name only,
    /// so the two would share one set of agents and one database's projections would never run.
    /// </summary>
    public static void EnsureDistinguishable(string connectionString, IEnumerable<string> pool)
    {
        static (string, string) Key(string cs)
        {
            var b = new NpgsqlConnectionStringBuilder(cs);
            return ((b.Host ?? "").ToLowerInvariant(), b.Database ?? "");
        }
        var key = Key(connectionString);
        foreach (var other in pool)
            if (Key(other) == key && !SameDatabase(other, connectionString))
                throw new InvalidOperationException(
                    $"Database {IdOf(connectionString, other)} has the host and database name of {IdOf(other, connectionString)}: " +
                    "give it another database name (Marten and Wolverine tell databases apart by host and name).");
    }

    private static bool SameDatabase(string a, string b) => IdOf(a, b) == Default;

    /// <summary>
    /// The store's tenancy: the pool in the default database, the configured placements seeded into it. In cluster mode
    /// the databases must be told apart by host and name (<see cref="EnsureDistinguishable"/>); a single node runs each
    /// database's projections itself and needs no more than distinct connection strings.
    /// </summary>
    public static void Configure(StoreOptions opts, string defaultConnectionString, IReadOnlyDictionary<string, string>? placed, bool cluster = false)
    {
        placed ??= new Dictionary<string, string>();
        var seeded = new List<string> { defaultConnectionString };
        foreach (var cs in placed.Values)
        {
            if (cluster) EnsureDistinguishable(cs, seeded);
            seeded.Add(cs);
        }
        // Every database, the default one and each tenant's, gets the ledger's connection settings.
        opts.DataSourceFactory(new LedgerDataSources());
        opts.MultiTenantedWithShardedDatabases(x =>
        {
            x.DataSource = LedgerSetup.DataSource(defaultConnectionString);
            x.SchemaName = Households.HouseholdNumbers.Schema;
            x.PartitionSchemaName = Households.HouseholdNumbers.Schema;
            x.AddDatabase(Default, defaultConnectionString);
            foreach (var cs in placed.Values.DistinctBy(cs => IdOf(cs, defaultConnectionString)))
                if (IdOf(cs, defaultConnectionString) is var id and not Default) x.AddDatabase(id, cs);
            x.UseCustomAssignment(new PlacedElseDefault(x.DataSource));
        });
    }

    /// <summary>
    /// Every database that holds tenants, the default first, then by id: the order the regulator's reads visit them in
    /// (and the cursor of <c>GET /audit</c> counts).
    /// </summary>
    public async Task<IReadOnlyList<IMartenDatabase>> AllAsync() =>
        (await store.Storage.AllDatabases())
            .DistinctBy(IdOf)
            .OrderBy(d => VisitOrder(IdOf(d)), StringComparer.Ordinal).ToList();

    /// <summary>The default database first, then the others by id.</summary>
    private static string VisitOrder(string id) => id == Default ? "" : id;

    // The pool's database id (what `tenants list` prints) is Weasel's Identifier; its newer Id is server and name only.
#pragma warning disable CS0618
    public static string IdOf(IMartenDatabase database) => database.Identifier;
#pragma warning restore CS0618

    /// <summary>
    /// One read in every database, each on a session over all its tenants (<see cref="AcrossTenants"/>): the rows of
    /// all of them, database by database in <see cref="AllAsync"/>'s order.
    /// </summary>
    public async Task<List<T>> ReadEachAsync<T>(Func<IQuerySession, Task<IReadOnlyList<T>>> read)
    {
        var rows = new List<T>();
        foreach (var database in await AllAsync())
        {
            await using var session = AcrossTenants(database);
            rows.AddRange(await read(session));
        }
        return rows;
    }

    /// <summary>A session over every tenant in one database, for a read that crosses tenants (<c>AnyTenant()</c>).</summary>
    public IQuerySession AcrossTenants(IMartenDatabase database) => store.QuerySession(Marten.Services.SessionOptions.ForDatabase(database));

    /// <summary>The database a tenant lives in (placed on its first use, in the default database unless placed).</summary>
    public async Task<IMartenDatabase> OfAsync(string tenant)
    {
        await KnowAsync(tenant, CancellationToken.None);
        return (await store.Tenancy().GetTenantAsync(tenant)).Database;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IDocumentStore, string), bool> Known = new();
    private static readonly SemaphoreSlim FirstUse = new(1, 1);

    /// <summary>
    /// Makes sure the tenant's database and table partitions exist before anything opens a session for it. Marten
    /// creates a tenant's partitions the first time it meets the tenant, and two sessions meeting it at once race to
    /// create the same tables (seen in CI: 3 of 8 concurrent first requests failed). One node meets a tenant one at a time
    /// here; two nodes meeting it at once collide in PostgreSQL, and the loser tries again, finding the partitions made.
    /// </summary>
    public async ValueTask KnowAsync(string tenant, CancellationToken ct)
    {
        if (Known.ContainsKey((store, tenant))) return;
        await FirstUse.WaitAsync(ct);
        try
        {
            for (var attempt = 1; !Known.ContainsKey((store, tenant)); attempt++)
            {
                try
                {
                    await store.Tenancy().GetTenantAsync(tenant);
                    Known[(store, tenant)] = true;
                }
                catch (PostgresException e) when (attempt < 5 && e.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation
                                                      or PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.DeadlockDetected)
                {
                    await Task.Delay(50 * attempt, ct);
                }
            }
        }
        finally
        {
            FirstUse.Release();
        }
    }

    public static NpgsqlDataSource DataSourceOf(IMartenDatabase database) => ((PostgresqlDatabase)database).DataSource;

    /// <summary>Places a tenant in a database, adding the database to the pool and applying the schema to it first.</summary>
    public async Task<string> PlaceAsync(string tenant, string connectionString, string defaultConnectionString, bool cluster, CancellationToken ct)
    {
        var id = IdOf(connectionString, defaultConnectionString);
        if (await PlacementAsync(tenant, ct) is { } current)
            throw new InvalidOperationException(current == id
                ? $"Tenant '{tenant}' is already in database {current}."
                : $"Tenant '{tenant}' is already in database {current}: moving a tenant is a backup and restore (docs/operations.md), not a placement.");
        if (cluster) EnsureDistinguishable(connectionString, (await ((ShardedTenancy)store.Tenancy()).ListDatabasesAsync(ct)).Select(d => d.ConnectionString));
        if (id != Default) await store.Advanced.AddDatabaseToPoolAsync(id, connectionString, ct);
        var database = await store.Storage.FindOrCreateDatabase(id);
        // Running nodes see the new pool member at once and may be creating the same tables for its projections: a
        // collision is retried (the second attempt finds what the other made).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await database.ApplyAllConfiguredChangesToDatabaseAsync();
                break;
            }
            catch (Marten.Exceptions.MartenSchemaException) when (attempt < 5)
            {
                await Task.Delay(200 * attempt, ct);
            }
        }
        await store.Advanced.AddTenantToShardAsync(tenant, id, ct);
        return id;
    }

    /// <summary>The database a tenant is placed in, or null for a tenant never used nor placed.</summary>
    public Task<string?> PlacementAsync(string tenant, CancellationToken ct) =>
        ((ShardedTenancy)store.Tenancy()).FindDatabaseForTenantAsync(tenant, ct).AsTask();

    /// <summary>Every tenant with its database, and every database of the pool (one may hold no tenant yet).</summary>
    public async Task<(IReadOnlyList<(string Tenant, string Database)> Tenants, IReadOnlyList<string> Databases)> ListAsync(CancellationToken ct)
    {
        var tenancy = (ShardedTenancy)store.Tenancy();
        var databases = (await tenancy.ListDatabasesAsync(ct)).Select(d => d.DatabaseId).OrderBy(VisitOrder, StringComparer.Ordinal).ToList();
        await using var command = tenancy.TenantDatabase.DataSource.CreateCommand(
            $"select tenant_id, database_id from {Households.HouseholdNumbers.Schema}.mt_tenant_assignments where disabled = false order by tenant_id");
        var tenants = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) tenants.Add((reader.GetString(0), reader.GetString(1)));
        return (tenants, databases);
    }

    /// <summary>
    /// A tenant no one placed lives in the default database. Marten also asks when a node meets a tenant placed (by
    /// <c>ledger tenants add</c> on another node) in a database this node has not loaded yet: the placement stands.
    /// </summary>
    private sealed class PlacedElseDefault(NpgsqlDataSource pool) : ITenantAssignmentStrategy
    {
        public async ValueTask<string> AssignTenantToDatabaseAsync(string tenantId, IReadOnlyList<PooledDatabase> availableDatabases)
        {
            await using var command = pool.CreateCommand(
                $"select database_id from {Households.HouseholdNumbers.Schema}.mt_tenant_assignments where tenant_id = $1");
            command.Parameters.AddWithValue(tenantId);
            return await command.ExecuteScalarAsync() as string ?? Default;
        }
    }

    private sealed class LedgerDataSources : INpgsqlDataSourceFactory
    {
        public NpgsqlDataSource Create(string connectionString) => LedgerSetup.DataSource(connectionString);
    }
}

public static class TenancyOfStore
{
    public static ITenancy Tenancy(this IDocumentStore store) => ((DocumentStore)store).Options.Tenancy;
}

/// <summary>
/// The ledger's own records (a sweep slot's claim, the published digests) and the messages sent with them, in one
/// transaction: kept under the <c>default</c> tenant, whose database is the default one. A scheduled message need not
/// carry a tenant, and sharded tenancy has no session without one.
/// </summary>
public static class LedgerOutbox
{
    public static (IDocumentSession Session, Wolverine.IMessageBus Bus) Open(IDocumentStore store, Wolverine.Runtime.IWolverineRuntime runtime)
    {
        var session = store.LightweightSession(Security.Tenancy.Default);
        return (session, new Wolverine.Marten.MartenOutbox(runtime, session));
    }
}
