using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Households;

/// <summary>POST /households/{id}/split: part of the family moves out, keeping their ids; "today" is 2025-06-15.</summary>
public sealed class SplitTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task A_split_moves_people_with_their_ids_ends_their_cover_here_and_credits_continuity()
    {
        var (household, father, _) = await Api.OpenHousehold("刘洋", "2024-01-01");
        var mother = await Api.Join(household, "陈静", "spouse", "1983-12-05", "2024-01-01");
        var child = await Api.Join(household, "刘思远", "child", "2012-10-01", "2024-01-01");
        var policy = (await Api.Post($"/households/{household}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = father, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { father, mother, child }.Select(p => new { personId = p, annualPremium = 1825m }),
        })).Id("policyId");
        await Api.Post($"/households/{household}/policies/{policy}/premiums", new { amount = 5475m, paidOn = "2025-01-01" });

        var split = await Api.Post($"/households/{household}/split", new { newHolderId = mother, personIds = new[] { mother, child }, effectiveDate = "2025-06-01", continuityCredit = true });

        Assert.Equal(201, split.Code);
        var newHousehold = split.Id("newHouseholdId");
        Assert.Equal($"/households/{newHousehold}", split.Headers.Location?.ToString());
        var old = await Api.Get($"/households/{household}/coverage?on=2025-06-01");
        var members = old.Json.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal("2025-05-31", members.Single(m => m.GetProperty("personId").GetGuid() == mother).GetProperty("leftOn").GetString());
        var cover = old.Json.GetProperty("policies")[0].GetProperty("insured").EnumerateArray().Single(i => i.GetProperty("personId").GetGuid() == child);
        Assert.Equal("2025-05-31", cover.GetProperty("coverTo").GetString());

        var moved = await Api.Get($"/households/{newHousehold}");
        var people = moved.Json.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal([mother, child], people.Select(p => p.GetProperty("personId").GetGuid()).ToArray());
        Assert.Equal("self", people[0].GetProperty("relationship").GetString());
        Assert.Equal("child", people[1].GetProperty("relationship").GetString());
        Assert.Equal("陈静", people[0].GetProperty("name").GetString());

        // Within the continuity period, waiting periods served in the old household count as served here.
        var newPolicy = await Api.Post($"/households/{newHousehold}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = mother, termStart = "2025-06-01", termEnd = "2026-05-31",
            insured = new[] { mother, child }.Select(p => new { personId = p, annualPremium = 1825m }),
        });
        var insured = (await Api.Get($"/households/{newHousehold}/coverage?on=2025-06-02")).Json.GetProperty("policies")[0].GetProperty("insured")[0];
        Assert.Equal(201, newPolicy.Code);
        Assert.Equal("2025-06-01", insured.GetProperty("illnessCoverFrom").GetString());
        Assert.True((await Api.Get($"/audit/verify?householdId={newHousehold}")).Json.GetProperty("verified").GetBoolean());

        // Later writes in the new household seal with the keys the people brought along, and still read them.
        var corrected = await Api.Post($"/households/{newHousehold}/members/{child}/corrections", new { name = "刘思源" });
        Assert.True(corrected.Code == 200, corrected.ToString());
        var after = (await Api.Get($"/households/{newHousehold}")).Json.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(["陈静", "刘思源"], after.Select(p => p.GetProperty("name").GetString()!).ToArray());
    }

    [Fact]
    public async Task Bad_splits_are_refused_and_append_nothing()
    {
        var (household, father, _) = await Api.OpenHousehold("刘洋", "2024-01-01");
        var mother = await Api.Join(household, "陈静", "spouse", "1983-12-05", "2024-01-01");
        var child = await Api.Join(household, "刘思远", "child", "2012-10-01", "2024-01-01");
        var url = $"/households/{household}/split";

        await Refused(422, "HolderMustStay", () => Api.Post(url, new { newHolderId = father, personIds = new[] { father, child }, effectiveDate = "2025-06-01" }));
        await Refused(400, "ValidationFailed", () => Api.Post(url, new { newHolderId = mother, personIds = new[] { child }, effectiveDate = "2025-06-01" }));
        await Refused(400, "ValidationFailed", () => Api.Post(url, new { newHolderId = mother, personIds = Array.Empty<Guid>(), effectiveDate = "2025-06-01" }));
        await Refused(404, "UnknownPerson", () => Api.Post(url, new { newHolderId = mother, personIds = new[] { mother, Guid.NewGuid() }, effectiveDate = "2025-06-01" }));
        await Refused(404, "UnknownHousehold", () => Api.Post($"/households/{Guid.NewGuid()}/split", new { newHolderId = mother, personIds = new[] { mother }, effectiveDate = "2025-06-01" }));
        await Api.Post($"/households/{household}/members/{child}/leave", new { effectiveDate = "2025-03-01", cause = "moved" });
        await Refused(422, "NotAMember", () => Api.Post(url, new { newHolderId = mother, personIds = new[] { mother, child }, effectiveDate = "2025-06-01" }));
    }
}
