using Ledger.Api.Hosting;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Domain.Households;
using Marten;
using Npgsql;
using Weasel.Core;

namespace Ledger.Api.Tests.Audit;

/// <summary>What is stored and what regulators read spell enum values as the API does; older spellings still read.</summary>
public sealed class StoredSpellingTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private async Task<string?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        return (string?)await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Stored_events_and_the_audit_trail_spell_enums_in_camel_case()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        await Api.Join(household, "张子墨", "child", "2025-03-20", "2025-03-20");

        Assert.Equal("child", await ScalarAsync("select data ->> 'relationship' from ledger.mt_events where stream_id = $1 and version = 3", household));
        Assert.Equal("self", await ScalarAsync("select data ->> 'relationship' from ledger.mt_events where stream_id = $1 and version = 2", household));
        var audit = await Api.Get($"/audit?householdId={household}&type=MemberJoined");
        Assert.Equal(["self", "child"], audit.Json.GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("data").GetProperty("relationship").GetString()!).ToArray());
        Assert.DoesNotContain("\"Child\"", audit.Raw);
    }

    [Fact]
    public async Task Events_stored_in_the_old_spelling_are_read_and_their_chain_still_verifies()
    {
        var (household, _, _) = await Api.OpenHousehold("王芳");
        var son = Guid.CreateVersion7();
        // Appended the way the ledger stored events before enums were written in camelCase: Marten's own enum
        // converter first, writing declared names. The inline audit trail hashes that JSON as it was stored.
        await using (var old = DocumentStore.For(o =>
                     {
                         LedgerSetup.ConfigureStore(o, Fixture.ConnectionString, Fixture.Clock);
                         o.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, j => LedgerJson.Configure(j));
                         // And in the append mode of those days, which finds the stream's version for a plain Append.
                         o.Events.AppendMode = JasperFx.Events.EventAppendMode.Rich;
                         o.AutoCreateSchemaObjects = JasperFx.AutoCreate.None;
                     }))
        await using (var session = old.LightweightSession(Ledger.Api.Security.Tenancy.Default))
        {
            session.Events.Append(household, new MemberJoined(son, "王磊", new NodaTime.LocalDate(1990, 2, 8), Relationship.Child, null, new NodaTime.LocalDate(2025, 1, 1)));
            await session.SaveChangesAsync();
        }
        Assert.Equal("Child", await ScalarAsync("select data ->> 'relationship' from ledger.mt_events where stream_id = $1 and version = 3", household));

        var view = await Api.Get($"/households/{household}");
        Assert.True(view.Code == 200, view.ToString());
        Assert.Contains(view.Json.GetProperty("members").EnumerateArray(), m => m.GetProperty("relationship").GetString() == "child");
        var history = await Api.Get($"/households/{household}/history");
        Assert.True(history.Code == 200, history.ToString());
        Assert.Contains("\"relationship\":\"child\"", history.Raw);
        // A new event on the same household is read together with the old one, and stored in the new spelling.
        await Api.Post($"/households/{household}/members/{son}/leave", new { effectiveDate = "2025-05-01", cause = "moved" });
        Assert.Equal("moved", await ScalarAsync("select data ->> 'cause' from ledger.mt_events where stream_id = $1 and version = 4", household));

        // The audit trail shows the old row as it is stored; the chain is recomputed from that stored JSON.
        var audit = await Api.Get($"/audit?householdId={household}&type=MemberJoined");
        Assert.Equal("Child", audit.Json.GetProperty("entries")[1].GetProperty("data").GetProperty("relationship").GetString());
        var verified = await Api.Get($"/audit/verify?householdId={household}");
        Assert.True(verified.Json.GetProperty("verified").GetBoolean(), verified.Raw);
        Assert.Equal(4, verified.Json.GetProperty("events").GetInt64());
    }
}
