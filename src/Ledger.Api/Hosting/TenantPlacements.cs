namespace Ledger.Api.Hosting;

/// <summary>
/// Places the tenants configuration names (<c>Ledger:Tenants:&lt;t&gt;:ConnectionString</c>) at start-up, once: a
/// tenant already placed stays where its data is, and a configuration that names another database for it stops the
/// node rather than show the tenant an empty database.
/// </summary>
public sealed class TenantPlacements(TenantDatabases databases, LedgerDatabase ledger, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var (tenant, connectionString) in TenantDatabases.Configured(configuration))
        {
            var wanted = TenantDatabases.IdOf(connectionString, ledger.ConnectionString);
            var current = await databases.PlacementAsync(tenant, ct);
            if (current is null) await databases.PlaceAsync(tenant, connectionString, ledger.ConnectionString, configuration["Ledger:Cluster"] == "true", ct);
            else if (current != wanted)
                throw new InvalidOperationException(
                    $"Ledger:Tenants:{tenant} places tenant '{tenant}' in database {wanted}, but its data is in {current}. " +
                    "Moving a tenant is a backup and restore (docs/operations.md); remove the entry or restore the tenant there first.");
        }
        // The ledger's own tenant (the demo households, the sweep's claims, the digests) before the first request: a
        // tenant's first use creates its table partitions, which is better done once than by racing requests.
        await databases.OfAsync(Security.Tenancy.Default);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
