using Ledger.Api.Tests.Infrastructure;
using NodaTime;

namespace Ledger.Api.Tests.Households;

public sealed class ReadTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task The_view_is_found_by_id_and_by_household_number()
    {
        var (id, _, number) = await Api.OpenHousehold();

        var byId = await Api.Get($"/households/{id}");
        var byNumber = await Api.Get($"/households/{number}");

        Assert.Equal(200, byId.Code);
        Assert.Equal("\"2\"", byId.ETag);
        Assert.Equal(byId.Raw, byNumber.Raw);
        Assert.Equal("2025-06-15", byId.Str("on"));
    }

    [Fact]
    public async Task The_list_finds_a_household_by_number()
    {
        var (id, _, number) = await Api.OpenHousehold("Zoë Martin");
        var list = await Api.Get($"/households?number={number}");
        Assert.Equal(200, list.Code);
        Assert.Equal(id, list.Json[0].GetProperty("householdId").GetGuid());
        Assert.Equal("Zoë Martin", list.Json[0].GetProperty("holderName").GetString());
    }

    [Fact]
    public async Task The_list_finds_households_by_any_member_name_in_the_database()
    {
        var unique = "欧阳" + Guid.NewGuid().ToString("N")[..6];
        var (id, _, _) = await Api.OpenHousehold();
        await Api.Join(id, unique + "娜", "spouse", "1987-09-03");

        var list = await Api.Get($"/households?name={Uri.EscapeDataString(unique)}");
        var none = await Api.Get("/households?name=%25_nobody_%25");

        Assert.Equal(200, list.Code);
        Assert.Equal(id, Assert.Single(list.Json.EnumerateArray()).GetProperty("householdId").GetGuid());
        Assert.Equal(0, none.Json.GetArrayLength());
    }

    [Fact]
    public async Task Unknown_households_are_404_on_every_read()
    {
        var unknown = Guid.NewGuid();
        foreach (var url in new[] { $"/households/{unknown}", $"/households/{unknown}/coverage", $"/households/{unknown}/history", $"/households/{unknown}/history/1", "/households/HH99999999", "/households/rubbish" })
        {
            var answer = await Api.Get(url);
            Assert.True(answer.Code == 404, $"{url}: {answer}");
            Assert.Equal("application/problem+json", answer.ContentType);
            Assert.Equal("UnknownHousehold", answer.ProblemCode);
        }
    }

    [Fact]
    public async Task Coverage_on_a_date_shows_who_was_a_member_then()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Api.Join(id, "张子墨", "child", "2025-03-20", "2025-03-20");

        var before = await Api.Get($"/households/{id}/coverage?on=2025-03-19");
        var after = await Api.Get($"/households/{id}/coverage?on=2025-03-20");

        Assert.Equal("notYetJoined", before.Json.GetProperty("members")[1].GetProperty("status").GetString());
        Assert.Equal("member", after.Json.GetProperty("members")[1].GetProperty("status").GetString());
        Assert.Equal(0, after.Json.GetProperty("members")[1].GetProperty("age").GetInt32());
    }

    [Fact]
    public async Task Known_at_shows_the_old_belief_before_a_late_fact_was_recorded()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var father = await Api.Join(id, "王建国", "parent", "1935-05-01");
        var beforeTheNews = Fixture.Clock.GetCurrentInstant();
        Fixture.Clock.Advance(Duration.FromHours(1));
        // A death on 2025-03-10, reported months later.
        await Api.Post($"/households/{id}/members/{father}/leave", new { effectiveDate = "2025-03-10", cause = "death" });
        var afterTheNews = Fixture.Clock.GetCurrentInstant();
        Fixture.Clock.Advance(Duration.FromHours(1));

        var oldBelief = await Api.Get($"/households/{id}/coverage?on=2025-04-01&knownAt={beforeTheNews}");
        var newBelief = await Api.Get($"/households/{id}/coverage?on=2025-04-01&knownAt={afterTheNews}");
        var now = await Api.Get($"/households/{id}/coverage?on=2025-04-01");

        Assert.Equal("member", oldBelief.Json.GetProperty("members")[1].GetProperty("status").GetString());
        Assert.Equal(3, oldBelief.Long("version"));
        Assert.Equal(beforeTheNews.ToString(), oldBelief.Str("knownAt"));
        Assert.Equal("left", newBelief.Json.GetProperty("members")[1].GetProperty("status").GetString());
        Assert.Equal(4, newBelief.Long("version"));
        Assert.Equal(newBelief.Json.GetProperty("members").GetRawText(), now.Json.GetProperty("members").GetRawText());
    }

    [Fact]
    public async Task Known_at_before_the_household_was_recorded_is_404()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var answer = await Api.Get($"/households/{id}/coverage?knownAt=2020-01-01T00:00:00Z");
        Assert.Equal(404, answer.Code);
        Assert.Equal("UnknownHousehold", answer.ProblemCode);
    }

    [Theory]
    [InlineData("on=2025-02-30")]
    [InlineData("on=yesterday")]
    [InlineData("knownAt=2025-13-01T00:00:00Z")]
    [InlineData("knownAt=noon")]
    public async Task Bad_dates_in_the_query_are_400(string query)
    {
        var (id, _, _) = await Api.OpenHousehold();
        var answer = await Api.Get($"/households/{id}/coverage?{query}");
        Assert.Equal(400, answer.Code);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal("ValidationFailed", answer.ProblemCode);
    }

    [Fact]
    public async Task Known_at_accepts_an_offset()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var answer = await Api.Get($"/households/{id}/coverage?knownAt={Uri.EscapeDataString("2025-06-15T18:00:00+08:00")}");
        Assert.Equal(200, answer.Code);
        Assert.Equal("2025-06-15T10:00:00Z", answer.Str("knownAt"));
    }

    [Fact]
    public async Task History_lists_every_event_in_order_with_its_metadata()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var reason = Uri.EscapeDataString("出生证明已收到");
        await Api.Post($"/households/{id}/members", new { name = "张子墨", dateOfBirth = "2025-03-20", relationship = "child", effectiveDate = "2025-03-20" },
            LedgerFixture.As("clerk.li"), ("X-Reason", reason), ("X-Correlation-Id", "corr-123"), ("X-Causation-Id", "msg-9"));

        var history = await Api.Get($"/households/{id}/history");

        Assert.Equal(200, history.Code);
        Assert.Equal(3, history.Json.GetArrayLength());
        Assert.Equal(["HouseholdOpened", "MemberJoined", "MemberJoined"], history.Json.EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray());
        Assert.Equal([1L, 2L, 3L], history.Json.EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ToArray());
        var first = history.Json[0];
        Assert.Equal(LedgerFixture.DefaultUser, first.GetProperty("actor").GetString());
        Assert.Equal("2025-01-01", first.GetProperty("effectiveDate").GetString());
        var joined = history.Json[2];
        Assert.Equal("clerk.li", joined.GetProperty("actor").GetString());
        Assert.Equal("出生证明已收到", joined.GetProperty("reason").GetString());
        Assert.Equal("corr-123", joined.GetProperty("correlationId").GetString());
        Assert.Equal("msg-9", joined.GetProperty("causationId").GetString());
        Assert.Equal("JoinMember", joined.GetProperty("operation").GetString());
        Assert.Equal("2025-03-20", joined.GetProperty("effectiveDate").GetString());
        Assert.Equal(Fixture.Clock.GetCurrentInstant().ToString(), joined.GetProperty("recordedAt").GetString());
        Assert.Equal("张子墨", joined.GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Replay_shows_the_view_as_it_stood_after_each_version()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var child = await Api.Join(id, "张子涵");
        await Api.Post($"/households/{id}/members/{child}/leave", new { effectiveDate = "2025-05-01", cause = "moved" });

        var v2 = await Api.Get($"/households/{id}/history/2");
        var v3 = await Api.Get($"/households/{id}/history/3");
        var v4 = await Api.Get($"/households/{id}/history/4?on=2025-06-01");

        Assert.Equal(2, v2.Long("version"));
        Assert.Equal(1, v2.Json.GetProperty("members").GetArrayLength());
        Assert.Equal("\"2\"", v2.ETag);
        Assert.Equal("member", v3.Json.GetProperty("members")[1].GetProperty("status").GetString());
        Assert.Equal("left", v4.Json.GetProperty("members")[1].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    public async Task Replay_of_a_version_that_is_not_a_version_is_400(string version)
    {
        var (id, _, _) = await Api.OpenHousehold();
        var answer = await Api.Get($"/households/{id}/history/{version}");
        Assert.Equal(400, answer.Code);
        Assert.Equal("ValidationFailed", answer.ProblemCode);
    }

    [Fact]
    public async Task Replay_past_the_last_version_is_404()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var answer = await Api.Get($"/households/{id}/history/3");
        Assert.Equal(404, answer.Code);
        Assert.Equal("UnknownVersion", answer.ProblemCode);
    }
}
