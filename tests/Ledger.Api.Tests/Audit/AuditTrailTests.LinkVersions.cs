using System.Text.Json;
using Ledger.Api.Audit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ledger.Api.Tests.Audit;

// Link v2 (no global sequence under the hash, the chain head kept on the household) beside the v1 links every
// earlier row was written in: each row is verified in its own format, and a chain only ever moves from v1 to v2.
public sealed partial class AuditTrailTests
{
    private async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(read(reader));
        return rows;
    }

    private static JsonElement Json(NpgsqlDataReader reader) => JsonDocument.Parse(reader.GetString(0)).RootElement.Clone();

    private Task<List<JsonElement>> RowsAsync(Guid household) => ListAsync(
        "select data::text from ledger.mt_doc_auditentry where household_id = $1 order by (data ->> 'version')::bigint", Json, household);

    private async Task<JsonElement> HouseholdDocumentAsync(Guid household) =>
        (await ListAsync("select data::text from ledger.mt_doc_household where id = $1", Json, household)).Single();

    private async Task<long[]> SequencesAsync(Guid household) =>
        (await ListAsync("select seq_id from ledger.mt_events where stream_id = $1 order by version", r => r.GetInt64(0), household)).ToArray();

    private async Task<JsonElement> VerifyAsync(Guid household) => (await Api.Get($"/audit/verify?householdId={household}")).Json;

    /// <summary>
    /// Turns a household's rows into what the ledger stored before link v2: no <c>linkVersion</c>, v1 hashes (which
    /// cover the sequence), and a household document without the chain head.
    /// </summary>
    private async Task RewriteAsV1Async(Guid household)
    {
        var previous = AuditChain.Genesis;
        foreach (var row in await RowsAsync(household))
        {
            var entry = row.Deserialize<AuditEntry>(Ledger.Api.Hosting.LedgerJson.Options)!;
            var hash = AuditChain.Hash(previous, new AuditChain.Link(entry.HouseholdId, entry.Version, entry.Sequence, entry.Type, entry.RecordedAt,
                entry.Actor, entry.Reason, entry.Operation, entry.CorrelationId, entry.CausationId, entry.Data.GetRawText()), 1);
            await ExecuteAsync(
                "update ledger.mt_doc_auditentry set data = jsonb_set(jsonb_set(data - 'linkVersion', '{previousHash}', to_jsonb($2::text)), '{hash}', to_jsonb($3::text)) " +
                "where household_id = $1 and (data ->> 'version')::bigint = $4", household, previous, hash, entry.Version);
            previous = hash;
        }
        await ExecuteAsync("update ledger.mt_doc_household set data = data - 'auditHead' where id = $1", household);
    }

    [Fact]
    public async Task A_write_links_to_the_head_kept_on_the_household_and_each_row_has_its_events_sequence()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        var spouse = await Api.Join(household, "李娜", "spouse", "1987-09-03");
        await Api.Post($"/households/{household}/members/{spouse}/leave", new { effectiveDate = "2025-05-01", cause = "divorce" });

        var rows = await RowsAsync(household);
        Assert.All(rows, r => Assert.Equal(2, r.GetProperty("linkVersion").GetInt32()));
        Assert.Equal(await SequencesAsync(household), rows.Select(r => r.GetProperty("sequence").GetInt64()).ToArray());
        var head = (await HouseholdDocumentAsync(household)).GetProperty("auditHead");
        Assert.Equal(4, head.GetProperty("version").GetInt64());
        Assert.Equal(rows[^1].GetProperty("hash").GetString(), head.GetProperty("hash").GetString());
        var page = await Api.Get($"/audit?householdId={household}");
        Assert.Equal(rows.Select(r => r.GetProperty("sequence").GetInt64()),
            page.Json.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.True((await VerifyAsync(household)).GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task A_chain_written_in_link_v1_still_verifies_and_new_events_link_onto_it_in_v2()
    {
        var (household, _, _) = await Api.OpenHousehold("王芳");
        var son = await Api.Join(household, "王磊", "child", "2010-02-08");
        await RewriteAsV1Async(household);
        var v1 = await VerifyAsync(household);
        Assert.True(v1.GetProperty("verified").GetBoolean(), v1.ToString());
        Assert.Equal(3, v1.GetProperty("events").GetInt64());

        // The household was stored without a head: the first write after the change reads the last v1 row instead.
        Assert.Equal(200, (await Api.Post($"/households/{household}/members/{son}/leave", new { effectiveDate = "2025-05-01", cause = "moved" })).Code);

        var entries = (await Api.Get($"/audit?householdId={household}")).Json.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([1, 1, 1, 2], entries.Select(e => e.GetProperty("linkVersion").GetInt32()).ToArray());
        Assert.Equal(entries[2].GetProperty("hash").GetString(), entries[3].GetProperty("previousHash").GetString());
        var mixed = await VerifyAsync(household);
        Assert.True(mixed.GetProperty("verified").GetBoolean(), mixed.ToString());
        Assert.Equal(4, mixed.GetProperty("events").GetInt64());
        Assert.Equal(4, (await HouseholdDocumentAsync(household)).GetProperty("auditHead").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_rebuild_writes_each_link_in_the_format_its_row_was_in_so_every_hash_stays()
    {
        // A tenant of its own: the rebuild replaces every audit row of the tenant it is given.
        const string tenant = "v1-rebuild";
        var token = ("Authorization", "Bearer " + Ledger.Api.Security.LedgerAuth.CreateToken(Ledger.Api.Tests.Infrastructure.LedgerFixture.SigningKey, "ledger", "ledger", "clerk.li",
            Ledger.Api.Security.Roles.All, tenant, TimeSpan.FromHours(1)));
        var opened = await Api.Post("/households", new { holder = new { name = "王芳", dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }, token);
        var household = opened.Id("householdId");
        var son = (await Api.Post($"/households/{household}/members", new { name = "王磊", dateOfBirth = "2010-02-08", relationship = "child", effectiveDate = "2025-01-01" }, token)).Id("personId");
        await RewriteAsV1Async(household);
        Assert.Equal(200, (await Api.Post($"/households/{household}/members/{son}/leave", new { effectiveDate = "2025-05-01", cause = "moved" }, token)).Code);
        // A row stored before formats were numbered says none; rebuilt, it says 1. Everything else is the same.
        static string WithoutFormat(JsonElement row) =>
            JsonSerializer.Serialize(row.EnumerateObject().Where(p => p.Name != "linkVersion").ToDictionary(p => p.Name, p => p.Value));
        var before = (await RowsAsync(household)).Select(WithoutFormat).ToList();

        var store = Fixture.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        var result = await new Ledger.Api.Projections.ProjectionRebuilder(store).RebuildAsync(AuditTrailProjection.Name, tenant, 2, null, CancellationToken.None);

        Assert.Equal(4, result.Events);
        var after = await RowsAsync(household);
        Assert.Equal([1, 1, 1, 2], after.Select(r => r.TryGetProperty("linkVersion", out var v) ? v.GetInt32() : 1).ToArray());
        Assert.Equal(before, after.Select(WithoutFormat).ToList());
        Assert.True((await VerifyAsync(household)).GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task A_v1_row_still_has_its_sequence_under_the_hash()
    {
        var (household, _, _) = await Api.OpenHousehold("王芳");
        await Api.Join(household, "王磊", "child", "2010-02-08");
        await RewriteAsV1Async(household);

        // Versions 2 and 3 trade their places in the global order (one transaction; the highest sequence stays as it
        // was, so the async daemon and readiness see nothing new).
        var sequences = await SequencesAsync(household);
        await using (var connection = new NpgsqlConnection(Fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var swap = await connection.BeginTransactionAsync();
            foreach (var (version, sequence) in new[] { (2, -sequences[1]), (3, sequences[1]), (2, sequences[2]) })
            {
                await using var command = new NpgsqlCommand("update ledger.mt_events set seq_id = $1 where stream_id = $2 and version = $3", connection, swap);
                command.Parameters.AddWithValue(sequence);
                command.Parameters.AddWithValue(household);
                command.Parameters.AddWithValue(version);
                await command.ExecuteNonQueryAsync();
            }
            await swap.CommitAsync();
        }

        var verdict = await VerifyAsync(household);
        Assert.False(verdict.GetProperty("verified").GetBoolean());
        Assert.Equal(2, verdict.GetProperty("firstBrokenAt").GetProperty("version").GetInt64());
        Assert.Contains("stored event", verdict.GetProperty("firstBrokenAt").GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("jsonb_set(data, '{hash}', to_jsonb(overlay(data ->> 'hash' placing (case when left(data ->> 'hash', 1) = 'a' then 'b' else 'a' end) from 1 for 1)))", "stored event")]
    [InlineData("jsonb_set(data, '{sequence}', to_jsonb((data ->> 'sequence')::bigint + 1))", "audit row")]
    [InlineData("jsonb_set(data, '{recordedAt}', '\"2025-06-15T02:00:00.000001+00:00\"')", "audit row")]
    [InlineData("jsonb_set(data, '{linkVersion}', '1')", "link format")]
    [InlineData("jsonb_set(data, '{linkVersion}', '3')", "link format")]
    public async Task Changing_a_v2_row_is_detected_at_that_row(string change, string reason)
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        await Api.Join(household, "李娜", "spouse", "1987-09-03");
        Assert.True((await VerifyAsync(household)).GetProperty("verified").GetBoolean());

        await ExecuteAsync($"update ledger.mt_doc_auditentry set data = {change} where household_id = $1 and (data ->> 'version')::bigint = 2", household);

        var verdict = await VerifyAsync(household);
        Assert.False(verdict.GetProperty("verified").GetBoolean());
        Assert.Equal(2, verdict.GetProperty("firstBrokenAt").GetProperty("version").GetInt64());
        Assert.Contains(reason, verdict.GetProperty("firstBrokenAt").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_v1_row_after_a_v2_row_is_refused()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        await Api.Join(household, "李娜", "spouse", "1987-09-03");

        // Row 3 claimed as v1 and rehashed so: on its own it would verify, but a chain never goes back to v1.
        var rows = await RowsAsync(household);
        var entry = rows[2].Deserialize<AuditEntry>(Ledger.Api.Hosting.LedgerJson.Options)!;
        var hash = AuditChain.Hash(entry.PreviousHash, new AuditChain.Link(entry.HouseholdId, entry.Version, entry.Sequence, entry.Type, entry.RecordedAt,
            entry.Actor, entry.Reason, entry.Operation, entry.CorrelationId, entry.CausationId, entry.Data.GetRawText()), 1);
        await ExecuteAsync("update ledger.mt_doc_auditentry set data = jsonb_set(data - 'linkVersion', '{hash}', to_jsonb($2::text)) " +
                           "where household_id = $1 and (data ->> 'version')::bigint = 3", household, hash);

        var verdict = await VerifyAsync(household);
        Assert.False(verdict.GetProperty("verified").GetBoolean());
        Assert.Equal(3, verdict.GetProperty("firstBrokenAt").GetProperty("version").GetInt64());
        Assert.Contains("link format", verdict.GetProperty("firstBrokenAt").GetProperty("reason").GetString());
    }
}
