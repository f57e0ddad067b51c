using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Households;

public sealed class SafeWriteTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private static object Child(string name) => new { name, dateOfBirth = "2015-06-18", relationship = "child", effectiveDate = "2025-01-01" };

    [Fact]
    public async Task If_match_with_the_current_version_is_applied()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var answer = await Api.Post($"/households/{id}/members", Child("张子涵"), ("If-Match", "\"2\""));
        Assert.Equal(201, answer.Code);
        Assert.Equal(3, answer.Long("version"));
    }

    [Fact]
    public async Task If_match_with_a_stale_version_is_412_and_appends_nothing()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Api.Join(id, "张子涵");

        var answer = await Refused(412, "VersionMismatch", () => Api.Post($"/households/{id}/members", Child("张子墨"), ("If-Match", "\"2\"")));

        Assert.Equal(3, answer.Json.GetProperty("currentVersion").GetInt64());
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("-3")]
    [InlineData("\"1.5\"")]
    public async Task A_malformed_if_match_is_400(string ifMatch)
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Refused(400, "InvalidIfMatch", () => Api.Post($"/households/{id}/members", Child("张子涵"), ("If-Match", ifMatch)));
    }

    [Fact]
    public async Task Twenty_writers_with_the_same_if_match_one_wins_and_the_version_rises_by_one()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var before = await Fixture.CountEventsAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => Api.Post($"/households/{id}/members", Child($"孩子{i}"), ("If-Match", "\"2\"")))));

        Assert.Single(answers, a => a.Code == 201);
        Assert.All(answers.Where(a => a.Code != 201), a =>
        {
            Assert.Equal(412, a.Code);
            Assert.Equal("VersionMismatch", a.ProblemCode);
        });
        var view = await Api.Get($"/households/{id}");
        Assert.Equal(3, view.Long("version"));
        Assert.Equal(before + 1, await Fixture.CountEventsAsync());
    }

    [Fact]
    public async Task Twenty_writers_without_if_match_all_land_and_no_event_is_lost()
    {
        var (id, _, _) = await Api.OpenHousehold();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => Api.Post($"/households/{id}/members", Child($"孩子{i}")))));

        Assert.All(answers, a => Assert.True(a.Code == 201, a.ToString()));
        Assert.Equal(Enumerable.Range(3, 20).Select(v => (long)v), answers.Select(a => a.Long("version")).Order());
        var view = await Api.Get($"/households/{id}");
        Assert.Equal(22, view.Long("version"));
        Assert.Equal(21, view.Json.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_answer_and_appends_nothing()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var key = ("Idempotency-Key", Guid.NewGuid().ToString());
        var first = await Api.Post($"/households/{id}/members", Child("张子涵"), key);
        var before = await Fixture.CountEventsAsync();

        var repeat = await Api.Post($"/households/{id}/members", Child("张子涵"), key);

        Assert.Equal(201, repeat.Code);
        Assert.Equal(first.Raw, repeat.Raw);
        Assert.Equal(first.ETag, repeat.ETag);
        Assert.Equal(first.Headers.Location, repeat.Headers.Location);
        Assert.True(repeat.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(before, await Fixture.CountEventsAsync());
    }

    [Fact]
    public async Task An_idempotent_open_is_opened_once()
    {
        var key = ("Idempotency-Key", Guid.NewGuid().ToString());
        var body = new { holder = new { name = "Zoë Martin", dateOfBirth = "1990-02-14" }, openedOn = "2025-01-01" };
        var first = await Api.Post("/households", body, key);
        var before = await Fixture.CountEventsAsync();

        var repeat = await Api.Post("/households", body, key);

        Assert.Equal(201, repeat.Code);
        Assert.Equal(first.Id("householdId"), repeat.Id("householdId"));
        Assert.Equal(before, await Fixture.CountEventsAsync());
    }

    [Fact]
    public async Task Concurrent_repeats_of_one_key_append_once()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var key = ("Idempotency-Key", Guid.NewGuid().ToString());
        var before = await Fixture.CountEventsAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => Api.Post($"/households/{id}/members", Child("张子涵"), key))));

        Assert.All(answers, a => Assert.True(a.Code == 201, a.ToString()));
        Assert.Single(answers.Select(a => a.Id("personId")).Distinct());
        Assert.Equal(before + 1, await Fixture.CountEventsAsync());
    }

    [Fact]
    public async Task An_idempotency_key_reused_for_another_request_is_422()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var key = ("Idempotency-Key", Guid.NewGuid().ToString());
        await Api.Post($"/households/{id}/members", Child("张子涵"), key);

        await Refused(422, "IdempotencyKeyReused", () => Api.Post($"/households/{id}/members", Child("张子墨"), key));
    }

    [Fact]
    public async Task A_refused_request_does_not_use_up_its_idempotency_key()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var key = ("Idempotency-Key", Guid.NewGuid().ToString());
        // Refused at the edge (bad shape) and inside the handler (a ledger rule: joining before the household opened).
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{id}/members", new { name = "", dateOfBirth = "2015-06-18", relationship = "child", effectiveDate = "2025-01-01" }, key));
        await Refused(422, "EffectiveBeforeOpening", () => Api.Post($"/households/{id}/members",
            new { name = "张子涵", dateOfBirth = "2015-06-18", relationship = "child", effectiveDate = "2024-12-31" }, key));

        // The corrected request under the same key is applied, not refused as a reuse and not answered with a refusal.
        var corrected = await Api.Post($"/households/{id}/members", Child("张子涵"), key);
        Assert.Equal(201, corrected.Code);
        Assert.False(corrected.Headers.Contains("Idempotent-Replayed"));
        var repeat = await Api.Post($"/households/{id}/members", Child("张子涵"), key);
        Assert.True(repeat.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(corrected.Raw, repeat.Raw);
    }

    [Fact]
    public async Task An_overlong_idempotency_key_is_400()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{id}/members", Child("张子涵"), ("Idempotency-Key", new string('k', 500))));
    }
}
