using System.Text;
using Ledger.Api.Tests.Infrastructure;
using Npgsql;
using Wolverine.Tracking;

namespace Ledger.Api.Tests.Audit;

public sealed partial class AuditTrailTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Every_event_has_an_audit_row_with_metadata_and_a_chained_hash()
    {
        var (household, _, number) = await Api.OpenHousehold("张伟");
        await Api.Post($"/households/{household}/members", new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2025-01-01" },
            LedgerFixture.As("clerk.li"), ("X-Reason", "%E7%BB%93%E5%A9%9A"));

        var page = await Api.Get($"/audit?householdId={household}");

        Assert.Equal(200, page.Code);
        var entries = page.Json.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.GetProperty("version").GetInt64()).ToArray());
        Assert.Equal(new string('0', 64), entries[0].GetProperty("previousHash").GetString());
        Assert.All(entries, e => Assert.Equal(number, e.GetProperty("householdNumber").GetString()));
        Assert.Equal(entries[0].GetProperty("hash").GetString(), entries[1].GetProperty("previousHash").GetString());
        Assert.Equal("clerk.li", entries[2].GetProperty("actor").GetString());
        Assert.Equal("结婚", entries[2].GetProperty("reason").GetString());
        // Personal data stays encrypted in the audit trail (PIPL); views and history decrypt it while the key exists.
        Assert.StartsWith("pii:v1:", entries[2].GetProperty("data").GetProperty("name").GetString());
        Assert.DoesNotContain("李娜", page.Raw);
        var verified = await Api.Get($"/audit/verify?householdId={household}");
        Assert.True(verified.Json.GetProperty("verified").GetBoolean(), verified.Raw);
        Assert.Equal(3, verified.Json.GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task From_is_inclusive_and_to_exclusive()
    {
        var found = Fixture.Clock.GetCurrentInstant();
        var opened = NodaTime.Instant.FromUtc(2025, 6, 20, 2, 0);
        var joined = opened + NodaTime.Duration.FromSeconds(1);
        Fixture.Clock.Reset(opened);
        Guid household;
        try
        {
            (household, _, _) = await Api.OpenHousehold("张伟");
            Fixture.Clock.Reset(joined);
            await Api.Join(household, "李娜", "spouse", "1987-09-03");
        }
        finally
        {
            Fixture.Clock.Reset(found);
        }

        long[] Versions(Answer page) => page.Json.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ToArray();
        var beforeJoining = await Api.Get($"/audit?householdId={household}&from={opened}&to={joined}");
        Assert.Equal(new long[] { 1, 2 }, Versions(beforeJoining));
        Assert.Equal(new long[] { 3 }, Versions(await Api.Get($"/audit?householdId={household}&from={joined}")));
        Assert.Empty(Versions(await Api.Get($"/audit?householdId={household}&from={opened}&to={opened}")));
    }

    [Fact]
    public async Task Editing_a_stored_event_in_postgresql_is_detected_and_named()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        var spouse = await Api.Join(household, "李娜", "spouse", "1987-09-03");
        await Api.Post($"/households/{household}/members/{spouse}/leave", new { effectiveDate = "2025-05-01", cause = "divorce" });
        Assert.True((await Api.Get($"/audit/verify?householdId={household}")).Json.GetProperty("verified").GetBoolean());

        // Someone with database access backdates the divorce.
        await ExecuteAsync("update ledger.mt_events set data = jsonb_set(data, '{effectiveDate}', '\"2025-01-02\"') where stream_id = $1 and version = 4", household);

        var verdict = await Api.Get($"/audit/verify?householdId={household}");
        Assert.False(verdict.Json.GetProperty("verified").GetBoolean());
        var broken = verdict.Json.GetProperty("firstBrokenAt");
        Assert.Equal(household, broken.GetProperty("householdId").GetGuid());
        Assert.Equal(4, broken.GetProperty("version").GetInt64());
        var whole = await Api.Get("/audit/verify");
        Assert.False(whole.Json.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Editing_the_audit_row_a_regulator_reads_is_detected()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        await ExecuteAsync("update ledger.mt_doc_auditentry set data = jsonb_set(data, '{actor}', '\"nobody\"') where data ->> 'householdId' = $1 and (data ->> 'version')::int = 1", household.ToString());

        var verdict = await Api.Get($"/audit/verify?householdId={household}");

        Assert.False(verdict.Json.GetProperty("verified").GetBoolean());
        Assert.Equal(1, verdict.Json.GetProperty("firstBrokenAt").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Editing_an_actor_is_detected_too()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        await ExecuteAsync("update ledger.mt_events set user_name = 'someone.else' where stream_id = $1 and version = 2", household);

        var verdict = await Api.Get($"/audit/verify?householdId={household}");

        Assert.False(verdict.Json.GetProperty("verified").GetBoolean());
        Assert.Equal(2, verdict.Json.GetProperty("firstBrokenAt").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Verifying_an_unknown_household_is_404()
    {
        var answer = await Api.Get($"/audit/verify?householdId={Guid.NewGuid()}");
        Assert.Equal(404, answer.Code);
        Assert.Equal("UnknownHousehold", answer.ProblemCode);
    }

    [Fact]
    public async Task The_digest_covers_every_household_head()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        var digest = await Api.Get("/audit/digest");
        Assert.Equal(200, digest.Code);
        Assert.Matches("^[0-9a-f]{64}$", digest.Str("digest"));
        var head = digest.Json.GetProperty("heads").EnumerateArray().Single(h => h.GetProperty("householdId").GetGuid() == household);
        Assert.Equal(2, head.GetProperty("version").GetInt64());
        await Api.Join(household, "李娜", "spouse", "1987-09-03");
        Assert.NotEqual(digest.Str("digest"), (await Api.Get("/audit/digest")).Str("digest"));
    }

    [Fact]
    public async Task The_audit_trail_pages_by_cursor_and_streams_ndjson()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        for (var i = 0; i < 5; i++) await Api.Join(household, $"孩子{i}");

        var first = await Api.Get($"/audit?householdId={household}&limit=3");
        var next = first.Json.GetProperty("next").GetInt64();
        var second = await Api.Get($"/audit?householdId={household}&limit=3&after={next}");
        var third = await Api.Get($"/audit?householdId={household}&limit=3&after={second.Json.GetProperty("next").GetInt64()}");
        Assert.Equal(3, first.Json.GetProperty("entries").GetArrayLength());
        Assert.Equal(3, second.Json.GetProperty("entries").GetArrayLength());
        Assert.Equal(1, third.Json.GetProperty("entries").GetArrayLength());
        Assert.Equal(7, third.Json.GetProperty("entries")[0].GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKindNull, third.Json.GetProperty("next").ValueKind);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/audit?householdId={household}&type=MemberJoined");
        request.Headers.Accept.ParseAdd("application/x-ndjson");
        using var response = await Fixture.Client.SendAsync(request);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(6, lines.Length);
        Assert.All(lines, l => Assert.Contains("\"type\":\"MemberJoined\"", l));
    }

    private static readonly System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Theory]
    [InlineData("/audit?from=2025-13-01T00:00:00Z")]
    [InlineData("/audit?from=2025-06-01T00:00:00Z&to=2025-01-01T00:00:00Z")]
    [InlineData("/audit?householdId=nope")]
    [InlineData("/audit?after=-4")]
    [InlineData("/audit/verify?householdId=nope")]
    public async Task Bad_audit_queries_are_400(string url)
    {
        var answer = await Api.Get(url);
        Assert.Equal(400, answer.Code);
        Assert.Equal("application/problem+json", answer.ContentType);
    }
}

public sealed class DailyDigestTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task The_scheduler_publishes_one_digest_per_business_day()
    {
        await Api.OpenHousehold("张伟");
        var day = new NodaTime.LocalDate(2031, 1, 1 + Random.Shared.Next(0, 28));

        await Fixture.Host.InvokeMessageAndWaitAsync(new Ledger.Api.Audit.PublishDailyDigest(day));
        await Fixture.Host.InvokeMessageAndWaitAsync(new Ledger.Api.Audit.PublishDailyDigest(day));

        var published = await Api.Get("/audit/digests?limit=3650");
        var ofDay = published.Json.EnumerateArray().Where(d => d.GetProperty("id").GetString() == day.ToString("yyyy-MM-dd", null)).ToList();
        var digest = Assert.Single(ofDay).GetProperty("digest");
        Assert.Matches("^[0-9a-f]{64}$", digest.GetProperty("digest").GetString());
        Assert.True(digest.GetProperty("households").GetInt32() > 0);
    }
}
