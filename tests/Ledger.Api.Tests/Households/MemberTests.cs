using Marten;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Households;

public sealed class MemberTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task A_member_joins_with_an_id_the_ledger_assigns()
    {
        var (id, _, _) = await Api.OpenHousehold();

        var answer = await Api.Post($"/households/{id}/members",
            """{ "name": "李娜", "dateOfBirth": "1987-09-03", "relationship": "spouse", "effectiveDate": "2025-01-01", "personId": "00000000-0000-0000-0000-000000000001" }""");

        Assert.Equal(201, answer.Code);
        Assert.Equal(3, answer.Long("version"));
        Assert.Equal("\"3\"", answer.ETag);
        var personId = answer.Id("personId");
        Assert.NotEqual(Guid.Parse("00000000-0000-0000-0000-000000000001"), personId);
        var view = await Api.Get($"/households/{id}");
        var spouse = view.Json.GetProperty("members")[1];
        Assert.Equal(personId, spouse.GetProperty("personId").GetGuid());
        Assert.Equal("spouse", spouse.GetProperty("relationship").GetString());
        Assert.Equal("member", spouse.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_join_makes_its_members_data_key_and_a_refused_join_makes_none()
    {
        var (id, holder, _) = await Api.OpenHousehold();
        var spouse = (await Api.Post($"/households/{id}/members",
            new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2025-01-01" })).Id("personId");

        await Refused(409, "SpouseAlreadyPresent", () =>
            Api.Post($"/households/{id}/members", new { name = "王丽", dateOfBirth = "1989-01-01", relationship = "spouse", effectiveDate = "2025-02-01" }));
        await Refused(422, "JoinBeforeBirth", () =>
            Api.Post($"/households/{id}/members", new { name = "张子墨", dateOfBirth = "2025-03-20", relationship = "child", effectiveDate = "2025-03-01" }));

        await using var session = await AcrossTenantsAsync();
        var keys = await session.Query<Ledger.Api.Privacy.PersonKey>().Where(k => k.AnyTenant() && k.HouseholdId == id).ToListAsync();
        Assert.Equal(new[] { holder, spouse }.Order(), keys.Select(k => k.Id).Order());
        Assert.All(keys, k => Assert.Equal(32, k.Key.Length));
        Assert.Equal("李娜", (await Api.Get($"/households/{id}")).Json.GetProperty("members")[1].GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_unknown_relationship_is_400_listing_the_allowed_ones()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var answer = await Refused(400, "ValidationFailed", () =>
            Api.Post($"/households/{id}/members", new { name = "表哥", dateOfBirth = "1990-01-01", relationship = "cousin", effectiveDate = "2025-01-01" }));
        Assert.Contains("spouse", answer.Json.GetProperty("errors").GetProperty("relationship")[0].GetString());
    }

    [Fact]
    public async Task A_second_self_is_400()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Refused(400, "ValidationFailed", () =>
            Api.Post($"/households/{id}/members", new { name = "张三", dateOfBirth = "1990-01-01", relationship = "self", effectiveDate = "2025-01-01" }));
    }

    [Fact]
    public Task Joining_an_unknown_household_is_404() =>
        Refused(404, "UnknownHousehold", () =>
            Api.Post($"/households/{Guid.NewGuid()}/members", new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2025-01-01" }));

    [Fact]
    public Task Joining_a_household_id_that_is_not_an_id_is_404() =>
        Refused(404, "UnknownHousehold", () =>
            Api.Post("/households/not-a-guid/members", new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2025-01-01" }));

    [Fact]
    public async Task Joining_before_the_household_opened_is_422()
    {
        var (id, _, _) = await Api.OpenHousehold(openedOn: "2025-01-01");
        await Refused(422, "EffectiveBeforeOpening", () =>
            Api.Post($"/households/{id}/members", new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2024-12-31" }));
    }

    [Fact]
    public async Task Joining_before_birth_is_422()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Refused(422, "JoinBeforeBirth", () =>
            Api.Post($"/households/{id}/members", new { name = "张子墨", dateOfBirth = "2025-03-20", relationship = "child", effectiveDate = "2025-03-01" }));
    }

    [Fact]
    public async Task A_member_born_in_the_future_is_422()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Refused(422, "BirthDateInFuture", () =>
            Api.Post($"/households/{id}/members", new { name = "张子墨", dateOfBirth = "2025-12-01", relationship = "child", effectiveDate = "2025-12-01" }));
    }

    [Fact]
    public async Task A_second_current_spouse_is_409()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Api.Join(id, "李娜", "spouse", "1987-09-03");
        await Refused(409, "SpouseAlreadyPresent", () =>
            Api.Post($"/households/{id}/members", new { name = "王丽", dateOfBirth = "1989-01-01", relationship = "spouse", effectiveDate = "2025-02-01" }));
    }

    [Fact]
    public async Task The_same_id_number_twice_is_409()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Api.Post($"/households/{id}/members", new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2025-01-01", idNumber = "110101198709030022" });
        await Refused(409, "DuplicateMember", () =>
            Api.Post($"/households/{id}/members", new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "other", effectiveDate = "2025-01-01", idNumber = "110101198709030022" }));
    }

    [Fact]
    public async Task A_member_leaves_and_is_shown_as_left_after_their_last_day()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var father = await Api.Join(id, "王建国", "parent", "1935-05-01");

        var answer = await Api.Post($"/households/{id}/members/{father}/leave", new { effectiveDate = "2025-03-10", cause = "death" });

        Assert.Equal(200, answer.Code);
        Assert.Equal(4, answer.Long("version"));
        Assert.Equal("\"4\"", answer.ETag);
        var onLastDay = await Api.Get($"/households/{id}/coverage?on=2025-03-10");
        var dayAfter = await Api.Get($"/households/{id}/coverage?on=2025-03-11");
        Assert.Equal("member", onLastDay.Json.GetProperty("members")[1].GetProperty("status").GetString());
        var left = dayAfter.Json.GetProperty("members")[1];
        Assert.Equal("left", left.GetProperty("status").GetString());
        Assert.Equal("2025-03-10", left.GetProperty("leftOn").GetString());
        Assert.Equal("death", left.GetProperty("leaveCause").GetString());
    }

    [Fact]
    public async Task Leaving_twice_is_409()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var spouse = await Api.Join(id, "刘洋", "spouse", "1981-08-19");
        await Api.Post($"/households/{id}/members/{spouse}/leave", new { effectiveDate = "2025-01-15", cause = "divorce" });

        await Refused(409, "MemberAlreadyLeft", () =>
            Api.Post($"/households/{id}/members/{spouse}/leave", new { effectiveDate = "2025-01-15", cause = "divorce" }));
    }

    [Fact]
    public async Task Leaving_for_an_unknown_person_is_404()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Refused(404, "UnknownPerson", () => Api.Post($"/households/{id}/members/{Guid.NewGuid()}/leave", new { effectiveDate = "2025-01-15", cause = "moved" }));
        await Refused(404, "UnknownPerson", () => Api.Post($"/households/{id}/members/nobody/leave", new { effectiveDate = "2025-01-15", cause = "moved" }));
    }

    [Fact]
    public async Task Leaving_an_unknown_household_is_404() =>
        await Refused(404, "UnknownHousehold", () => Api.Post($"/households/{Guid.NewGuid()}/members/{Guid.NewGuid()}/leave", new { effectiveDate = "2025-01-15", cause = "moved" }));

    [Fact]
    public async Task Leaving_before_joining_is_422()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var child = await Api.Join(id, "张子涵", effectiveDate: "2025-02-01");
        await Refused(422, "LeaveBeforeJoin", () => Api.Post($"/households/{id}/members/{child}/leave", new { effectiveDate = "2025-01-15", cause = "moved" }));
    }

    [Fact]
    public async Task An_unknown_leave_cause_is_400()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var child = await Api.Join(id, "张子涵");
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{id}/members/{child}/leave", new { effectiveDate = "2025-03-01", cause = "abducted" }));
    }

    [Fact]
    public async Task Leaving_without_a_date_is_400()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var child = await Api.Join(id, "张子涵");
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{id}/members/{child}/leave", new { cause = "moved" }));
    }

    [Fact]
    public async Task Details_are_corrected_and_the_original_fact_stays_in_history()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var spouse = await Api.Join(id, "Lucas Martn", "spouse", "1988-07-22");

        var answer = await Api.Post($"/households/{id}/members/{spouse}/corrections", new { name = "Lucas Martin" });

        Assert.Equal(200, answer.Code);
        Assert.Equal(4, answer.Long("version"));
        var view = await Api.Get($"/households/{id}");
        Assert.Equal("Lucas Martin", view.Json.GetProperty("members")[1].GetProperty("name").GetString());
        var history = await Api.Get($"/households/{id}/history");
        Assert.Equal("Lucas Martn", history.Json[2].GetProperty("data").GetProperty("name").GetString());
        Assert.Equal("MemberDetailsCorrected", history.Json[3].GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_correction_that_changes_nothing_appends_nothing()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var spouse = await Api.Join(id, "李娜", "spouse", "1987-09-03");
        var before = await Fixture.CountEventsAsync();

        var answer = await Api.Post($"/households/{id}/members/{spouse}/corrections", new { name = "李娜" });

        Assert.Equal(200, answer.Code);
        Assert.Equal(3, answer.Long("version"));
        Assert.Equal(before, await Fixture.CountEventsAsync());
    }

    [Fact]
    public async Task An_empty_correction_is_400()
    {
        var (id, holder, _) = await Api.OpenHousehold();
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{id}/members/{holder}/corrections", "{}"));
    }

    [Fact]
    public async Task Correcting_an_unknown_person_is_404()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Refused(404, "UnknownPerson", () => Api.Post($"/households/{id}/members/{Guid.NewGuid()}/corrections", new { name = "X" }));
    }

    [Fact]
    public async Task Making_someone_else_the_self_is_422()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var child = await Api.Join(id, "张子涵");
        await Refused(422, "HolderRelationship", () => Api.Post($"/households/{id}/members/{child}/corrections", new { relationship = "self" }));
    }

    [Fact]
    public async Task A_name_that_looks_encrypted_is_stored_encrypted_like_any_other()
    {
        var (id, _, _) = await Api.OpenHousehold();
        await Api.Join(id, "pii:v1:AAAA");

        var view = await Api.Get($"/households/{id}");
        var history = await Api.Get($"/households/{id}/history");

        Assert.Equal(200, view.Code);
        Assert.Equal("pii:v1:AAAA", view.Json.GetProperty("members")[1].GetProperty("name").GetString());
        Assert.Equal(200, history.Code);
    }
}
