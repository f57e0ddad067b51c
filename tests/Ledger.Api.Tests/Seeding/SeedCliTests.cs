using System.Text.Json;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Api.Privacy;
using Ledger.Api.Seeding;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Domain.Households;
using Ledger.Domain.Seeding;
using Marten;
using Microsoft.Extensions.Configuration;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Tests.Seeding;

/// <summary><c>ledger seed</c> as an operator runs it, and what it leaves in the store.</summary>
public sealed class SeedCliTests(LedgerFixture fixture) : CliTest(fixture)
{
    private const string Tenant = "seeded";

    [Fact]
    public async Task Seeding_one_seed_into_two_empty_databases_gives_identical_streams()
    {
        var first = await NewDatabaseAsync();
        var second = await NewDatabaseAsync();

        await SeedAsync(first, "--households", "50", "--seed", "7", "--tenant", Tenant);
        await SeedAsync(second, "--households", "50", "--seed", "7", "--tenant", Tenant);

        var a = await StoredAsync(first, Tenant);
        var b = await StoredAsync(second, Tenant);
        Assert.Equal(50, a.Households.Count);
        Assert.True(a.Events.Count > 50 * 10, $"only {a.Events.Count} events");
        Assert.Equal(a.Events, b.Events);
        Assert.Equal(a.Households, b.Households);
        Assert.Equal(a.Audit, b.Audit);
        // Personal data is sealed with keys of each run's own (never derived from the seed), so only the plaintext is equal.
        Assert.All(a.RawEvents.Where(r => r.Contains("\"name\"")), raw => Assert.Contains("pii:v1:", raw));
        Assert.NotEqual(a.RawEvents, b.RawEvents);
    }

    [Fact]
    public async Task A_seeded_household_is_stored_as_the_write_path_stores_the_same_commands()
    {
        var seeded = await NewDatabaseAsync();
        var written = await NewDatabaseAsync();
        await SeedAsync(seeded, "--households", "3", "--seed", "11", "--tenant", Tenant);

        // The same families sent command by command through the API's write helper, each at its recorded instant.
        var clock = new NodaTime.Testing.FakeClock(LedgerFixture.Start);
        var calendar = new BusinessCalendar(clock, new ConfigurationBuilder().Build());
        using var store = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), written, clock));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        for (var index = 0; index < 3; index++)
        {
            var family = FamilyGenerator.Generate(11, index, Tenant, $"HH{index + 1:D8}", calendar.Zone);
            foreach (var step in family.Commands)
            {
                using var at = RecordingTime.At(step.RecordedAt);
                await using var session = store.LightweightSession(Tenant);
                var context = new WriteContext(HouseholdSeeder.Actor, step.Reason, step.CorrelationId, step.CausationId);
                var decision = step.Command is OpenHousehold open
                    ? HouseholdWriter.Open(session, calendar, family.HouseholdId, open, context)
                    : await HouseholdWriter.DecideAsync(session, calendar, family.HouseholdId, (IHouseholdCommand)step.Command, context, CancellationToken.None);
                Assert.Equal(step.Events.Select(e => e.GetType()), decision.Events.Select(e => e.GetType()));
                await session.SaveChangesAsync();
            }
        }

        var bySeeder = await StoredAsync(seeded, Tenant);
        var byWritePath = await StoredAsync(written, Tenant);
        Assert.Equal(byWritePath.Events, bySeeder.Events);
        Assert.Equal(byWritePath.Households, bySeeder.Households);
        Assert.Equal(byWritePath.Audit, bySeeder.Audit);
        Assert.Equal(byWritePath.Keys, bySeeder.Keys);
    }

    [Fact]
    public async Task Seeded_households_read_and_verify_like_written_ones_and_their_view_is_the_fold_of_their_events()
    {
        var (exit, output) = await SeedAsync(Fixture.ConnectionString, "--households", "50", "--seed", "3", "--tenant", Tenant);
        Assert.Matches(@"Seeded 50 households, [\d,]+ events into tenant 'seeded' in [\d.]+ s: [\d,]+ households/s, [\d,]+ events/s\.", output);
        Assert.DoesNotContain("\u001b[", output); // no progress bar or colours when the output is not a terminal
        Assert.Equal(0, exit);
        var before = await Fixture.CountEventsAsync();
        // The same seed again: the same household ids, refused with a clear message and nothing more written.
        (exit, output) = await Repo.RunLedgerAsync(["seed", "--households", "50", "--seed", "3", "--tenant", Tenant], Environment(Fixture.ConnectionString), TimeSpan.FromMinutes(5));
        Assert.NotEqual(0, exit);
        Assert.Contains("already in tenant 'seeded'", output);
        Assert.Equal(before, await Fixture.CountEventsAsync());

        var clerk = ("Authorization", "Bearer " + Ledger.Api.Security.LedgerAuth.CreateToken(LedgerFixture.SigningKey, "ledger", "ledger", "seed.reader",
            Ledger.Api.Security.Roles.All, Tenant, TimeSpan.FromHours(1)));
        var stored = await StoredAsync(Fixture.ConnectionString, Tenant);
        Assert.Equal(50, stored.Households.Count);
        using var store = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), Fixture.ConnectionString, Fixture.Clock));
        foreach (var id in stored.Households.Keys)
        {
            var view = await Api.Get($"/households/{id}", clerk);
            Assert.True(view.Code == 200, view.ToString());
            Assert.DoesNotContain("pii:v1:", view.Raw);
            Assert.Equal(200, (await Api.Get($"/households/{id}/coverage?on=2025-03-01", clerk)).Code);
            var history = await Api.Get($"/households/{id}/history", clerk);
            Assert.True(history.Code == 200, history.ToString());
            Assert.Equal(view.Long("version"), history.Json.GetArrayLength());
            var verified = await Api.Get($"/audit/verify?householdId={id}", clerk);
            Assert.True(verified.Json.GetProperty("verified").GetBoolean(), verified.ToString());

            await using var session = store.QuerySession(Tenant);
            var events = await session.Events.FetchStreamAsync(id);
            var document = await session.LoadAsync<Household>(id);
            var fold = Household.Fold(events.Select(e => e.Data))! with { Version = events[^1].Version };
            // The stored copy also carries the audit chain's head and the sweep's due day, which are no fold of the
            // domain's; the due day is the sweep's answer for the fold.
            Assert.Equal(Json(store, fold), Json(store, document! with { AuditHead = null, SweepDueOn = null }));
            Assert.Equal(Ledger.Domain.Policies.PolicyDecider.NextSweepDueOn(fold), document.SweepDueOn);
            Assert.Equal(events[^1].Version, document.AuditHead?.Version);
        }
    }

    [Fact]
    public async Task Every_row_the_bulk_seed_stores_is_the_row_the_ordinary_append_stores_for_the_same_events()
    {
        var bulk = await NewDatabaseAsync();
        var ordinary = await NewDatabaseAsync();
        var calendar = new BusinessCalendar(SystemClock.Instance, new ConfigurationBuilder().Build());
        using (var store = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), bulk, SystemClock.Instance)))
        {
            // Small batches and several writers, so the households span several COPYs and transactions.
            var seeded = await new HouseholdSeeder(store, new HouseholdNumbers(LedgerSetup.DataSource(bulk)), calendar)
                .SeedAsync(new SeedOptions(40, Tenant, Seed: 5, BatchSize: 7, Writers: 3), null, CancellationToken.None);
            Assert.Equal(40, seeded.Households);
        }

        // The same events, keys, ids and metadata appended to the other database through a session (Marten's Quick append,
        // every inline projection run by SaveChangesAsync), a household at a time in the order of their global sequence.
        using (var source = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), bulk, SystemClock.Instance)))
        using (var target = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), ordinary, SystemClock.Instance)))
        {
            await target.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            await using var query = source.QuerySession(Tenant);
            var keys = await query.Query<PersonKey>().ToListAsync();
            var firsts = await query.Events.QueryAllRawEvents().Where(e => e.Version == 1).OrderBy(e => e.Sequence).ToListAsync();
            foreach (var first in firsts)
            {
                await using var session = target.LightweightSession(Tenant);
                var events = (await query.Events.FetchStreamAsync(first.StreamId)).Select(stored =>
                {
                    var e = session.Events.BuildEvent(stored.Data);
                    e.Id = stored.Id;
                    e.Timestamp = stored.Timestamp;
                    e.UserName = stored.UserName;
                    e.CorrelationId = stored.CorrelationId;
                    e.CausationId = stored.CausationId;
                    foreach (var (name, value) in stored.Headers!) e.SetHeader(name, value);
                    return e;
                }).ToArray();
                session.Events.StartStream<Household>(first.StreamId, events);
                foreach (var key in keys.Where(k => k.HouseholdId == first.StreamId)) session.Insert(key);
                await session.SaveChangesAsync();
            }
        }

        // Every table that holds a tenant's rows (events, streams, and every document: household view, audit trail, person
        // keys, sweep index, and whatever inline projection is added), row for row, leaving out only what each write
        // stamps afresh: Marten's document version and modification time, and a stream row's creation instants.
        var bulkRows = await RowsAsync(bulk);
        var ordinaryRows = await RowsAsync(ordinary);
        Assert.Equal(ordinaryRows.Keys, bulkRows.Keys);
        foreach (var table in new[] { "mt_events", "mt_streams", "mt_doc_household", "mt_doc_auditentry", "mt_doc_personkey", "mt_doc_sweepdue" })
            Assert.True(bulkRows[table].Count > 0, table);
        foreach (var (table, rows) in ordinaryRows)
            Assert.True(rows.SequenceEqual(bulkRows[table]), $"{table} differs: first bulk row not stored by the ordinary append: {bulkRows[table].Except(rows).FirstOrDefault()}");
    }

    private static async Task<SortedDictionary<string, List<string>>> RowsAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var tables = new List<string>();
        await using (var list = dataSource.CreateCommand(
            $"select table_name from information_schema.columns where table_schema = '{HouseholdNumbers.Schema}' and column_name = 'tenant_id' and table_name not like 'mt_doc_deadletter%' " +
            // Where the tenant is placed and its partitions (sharded tenancy), stamped when first used: not what it holds.
            "and table_name not in ('mt_tenant_assignments', 'mt_tenant_partitions') order by 1"))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var rows = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            rows[table] = [];
            await using var select = dataSource.CreateCommand(
                $"select (to_jsonb(t) - array['mt_version', 'mt_last_modified', 'timestamp', 'created'])::text as row from {HouseholdNumbers.Schema}.{table} t order by 1");
            // mt_events keeps its own "timestamp": the recorded instant, compared below as part of the event.
            if (table == "mt_events")
                select.CommandText = $"select (to_jsonb(t) - array['mt_version', 'mt_last_modified'])::text from {HouseholdNumbers.Schema}.{table} t order by 1";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows[table].Add(reader.GetString(0));
        }
        return rows;
    }

    [Theory]
    [InlineData("--households", "0")]
    [InlineData("--households", "-5")]
    [InlineData("--households", "many")]
    [InlineData("--households", "5", "--tenant", "*DEFAULT*")]
    [InlineData("--households", "5", "--seed", "one")]
    [InlineData("--tenant", "seeded")]
    public async Task Bad_arguments_are_refused_with_a_clear_error_and_write_nothing(params string[] args)
    {
        var before = await Fixture.CountEventsAsync();

        var (exit, output) = await Repo.RunLedgerAsync(["seed", .. args], Environment(Fixture.ConnectionString), TimeSpan.FromMinutes(2));

        Assert.NotEqual(0, exit);
        Assert.Matches("--households|--tenant|--seed", output);
        Assert.DoesNotContain("   at ", output);
        Assert.Equal(before, await Fixture.CountEventsAsync());
    }

    private static Dictionary<string, string?> Environment(string connectionString) =>
        new() { ["ConnectionStrings__Ledger"] = connectionString, ["Ledger__SeedDemo"] = "false" };

    private static async Task<(int Exit, string Output)> SeedAsync(string connectionString, params string[] args)
    {
        var (exit, output) = await Repo.RunLedgerAsync(["seed", .. args], Environment(connectionString), TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, output);
        return (exit, output);
    }

    private async Task<string> NewDatabaseAsync()
    {
        var name = $"seed_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(Fixture.ConnectionString) { Database = name }.ConnectionString;
    }

    private static string Json(IDocumentStore store, object value) => store.Options.Serializer().ToJson(value);

    /// <summary>
    /// What a tenant's store holds, comparable across databases: every event with its metadata and its personal data
    /// revealed; every household view revealed; every audit row without the ciphertext-dependent data and hashes; each
    /// person's key by id, household and creation instant (never the key).
    /// </summary>
    private sealed record Stored(
        List<string> Events, SortedDictionary<Guid, string> Households, List<string> Audit, List<string> Keys, List<string> RawEvents);

    private static async Task<Stored> StoredAsync(string connectionString, string tenant)
    {
        using var store = new DocumentStore(LedgerSetup.ConfigureStore(new StoreOptions(), connectionString, SystemClock.Instance));
        await using var session = store.QuerySession(tenant);
        var keys = (await session.Query<PersonKey>().ToListAsync()).ToDictionary(k => k.Id, k => k.Key);
        var ids = await session.Query<Household>().OrderBy(h => h.Number).Select(h => h.Id).ToListAsync();
        var events = new List<string>();
        var raw = new List<string>();
        var households = new SortedDictionary<Guid, string>();
        foreach (var id in ids)
        {
            foreach (var e in await session.Events.FetchStreamAsync(id))
            {
                events.Add(string.Join(" | ", e.StreamId, e.Version, e.EventTypeName, e.Timestamp.ToString("O"), e.UserName, e.CorrelationId, e.CausationId,
                    JsonSerializer.Serialize(e.Headers?.OrderBy(h => h.Key).Select(h => $"{h.Key}={h.Value}")), e.TenantId,
                    Json(store, PersonalDataVault.Reveal(e.Data, keys))));
                raw.Add(Json(store, e.Data));
            }
            // The audit chain's head is a hash over ciphertext, which differs between runs by design (the audit rows'
            // hashes are left out below for the same reason); its version is compared.
            var household = PersonalDataVault.Reveal((await session.LoadAsync<Household>(id))!, keys);
            households[id] = Json(store, household with { AuditHead = household.AuditHead is { } head ? head with { Hash = "" } : null });
        }
        var audit = (await session.Query<Ledger.Api.Audit.AuditEntry>().ToListAsync())
            .OrderBy(a => a.HouseholdId).ThenBy(a => a.Version)
            .Select(a => string.Join(" | ", a.Id, a.HouseholdNumber, a.Type, a.EffectiveDate, a.RecordedAt.ToString("O"), a.Actor, a.Reason, a.Operation, a.CorrelationId, a.CausationId))
            .ToList();
        var personKeys = (await session.Query<PersonKey>().ToListAsync()).OrderBy(k => k.Id).Select(k => $"{k.Id} {k.HouseholdId} {k.CreatedAt}").ToList();
        return new Stored(events, households, audit, personKeys, raw);
    }
}
