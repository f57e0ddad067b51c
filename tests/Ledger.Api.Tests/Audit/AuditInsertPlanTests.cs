using System.Text.RegularExpressions;
using Ledger.Api.Audit;
using Ledger.Api.Hosting;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Domain.Households;
using Marten;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Tests.Audit;

/// <summary>
/// The audit row's insert finds its event's sequence in <c>mt_events</c>. On a young table (a new tenant database, the
/// first minute after start-up, before autovacuum has analysed it) PostgreSQL once chose, for the prepared statement, a
/// plan that scanned every event per write, and kept it while the table grew: 10–18 ms per write in the benchmark.
/// </summary>
public sealed partial class AuditInsertPlanTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task The_prepared_insert_probes_a_young_events_table_by_key_instead_of_scanning_it()
    {
        var options = LedgerSetup.ConfigureStore(new StoreOptions(), Fixture.ConnectionString, SystemClock.Instance);
        options.DatabaseSchemaName = "plan_" + Guid.NewGuid().ToString("N")[..12];
        using var store = new DocumentStore(options);
        try
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            // 160 events and never analysed: the size at which the join's plan was a sequential scan.
            await using (var session = store.LightweightSession(Ledger.Api.Security.Tenancy.Default))
            {
                for (var i = 0; i < 80; i++)
                {
                    var (id, holder) = (Guid.CreateVersion7(), Guid.CreateVersion7());
                    var opened = new LocalDate(2024, 1, 1);
                    session.Events.StartStream<Household>(id, new HouseholdOpened(id, $"HP{i:D6}", holder, opened),
                        new MemberJoined(holder, "户主", new LocalDate(1980, 3, 1), Relationship.Self, null, opened));
                }
                await session.SaveChangesAsync();
            }

            await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
            await connection.OpenAsync();
            var parameter = 0;
            var sql = Placeholder().Replace(AuditTrailProjection.InsertSql(options), _ => "$" + ++parameter);
            await ExecuteAsync(connection, "prepare audit_probe as " + sql);
            // One row, as a write inserts it. Past the fifth execution PostgreSQL may switch to the generic plan: the
            // plan a long-lived connection keeps.
            var execute = "explain execute audit_probe('Ledger.Api.Audit.AuditEntry', array['probe'], array['{}'], " +
                          $"array['{Guid.CreateVersion7()}'::uuid], array['default'], array[2::bigint], array[now()], array['{Guid.CreateVersion7()}'::uuid])";
            var plans = new List<string>();
            for (var i = 0; i < 8; i++) plans.Add(await ExplainAsync(connection, execute));
            await ExecuteAsync(connection, "deallocate audit_probe");

            Assert.All(plans, plan =>
            {
                Assert.DoesNotContain("Seq Scan on mt_events", plan);
                // Once per row, not once for each of the two columns that carry the sequence.
                Assert.Single(Regex.Matches(plan, "Index Scan using pk_mt_events_stream_and_version"));
            });
        }
        finally
        {
            await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"drop schema if exists {options.DatabaseSchemaName} cascade");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"\?(?=::|,|\)| )")]
    private static partial Regex Placeholder();
}
