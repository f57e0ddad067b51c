using System.Security.Cryptography;
using Ledger.Api.Audit;
using Ledger.Api.Hosting;
using Ledger.Api.Security;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Domain.Households;
using Marten;
using JasperFx;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// A database written before documents were partitioned by tenant (decision 0014) starts under the new ledger: every
/// row, of a tenant or of Marten's tenant of sessions opened without one, is still there afterwards.
/// </summary>
[Collection(BenchmarkCollection.Name)]
public sealed class UpgradeTests
{
    [Fact]
    public async Task A_database_from_before_tenant_partitions_is_migrated_at_start_up_and_keeps_every_row()
    {
        await using var postgres = await EmbeddedPostgres.StartThrowawayAsync();
        // The schema as the ledger stored it until then: conjoined tenancy, one database, no partitions.
        using (var old = DocumentStore.For(o =>
               {
                   o.Connection(postgres.ConnectionString);
                   o.DatabaseSchemaName = "ledger";
                   o.AutoCreateSchemaObjects = AutoCreate.All;
                   o.UseSystemTextJsonForSerialization(Weasel.Core.EnumStorage.AsString, Weasel.Core.Casing.CamelCase, j => LedgerJson.ConfigureStorage(j));
                   o.Events.TenancyStyle = JasperFx.MultiTenancy.TenancyStyle.Conjoined;
                   o.Policies.AllDocumentsAreMultiTenanted();
                   o.Schema.For<Household>();
                   o.Schema.For<AccessLogEntry>();
                   o.Schema.For<PublishedDigest>();
               }))
        {
            await old.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await old.BulkInsertAsync([new AccessLogEntry { Id = Guid.CreateVersion7(), Actor = "before", Tenant = "", Path = "/audit" }]);
            await old.BulkInsertAsync("insurer-a", [new AccessLogEntry { Id = Guid.CreateVersion7(), Actor = "before.a", Tenant = "insurer-a", Path = "/households" }]);
        }

        await using var node = await LedgerNode.StartAsync(postgres.ConnectionString, RandomNumberGenerator.GetBytes(32), new Dictionary<string, string>());
        using var client = node.Client(Roles.Regulator);
        var log = await new Infrastructure.Api(client).Get("/audit/access?limit=100");
        Assert.True(log.Code == 200, log.ToString());
        var actors = log.Json.EnumerateArray().Select(e => e.GetProperty("actor").GetString()).ToList();
        Assert.Contains("before", actors);
        Assert.Contains("before.a", actors);
    }
}
