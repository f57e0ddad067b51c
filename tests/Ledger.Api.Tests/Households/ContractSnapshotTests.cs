using Ledger.Api.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using Snapshooter;
using Snapshooter.Xunit;

namespace Ledger.Api.Tests.Households;

/// <summary>
/// Approval tests of the JSON other services build on: a change to a field name or shape fails here first.
/// Ids and recorded instants differ on every run, so they are left out of the comparison.
/// </summary>
public sealed class ContractSnapshotTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private static MatchOptions Scrubbed(MatchOptions options) => options
        .IgnoreAllFields("householdId")
        .IgnoreAllFields("holderId")
        .IgnoreAllFields("personId")
        .IgnoreAllFields("householdNumber")
        .IgnoreAllFields("recordedAt")
        .IgnoreAllFields("sequence")
        .IgnoreAllFields("correlationId")
        .IgnoreAllFields("causationId")
        .IgnoreAllFields("policyId")
        .IgnoreAllFields("policyholderId");

    private async Task<Guid> FamilyAsync()
    {
        var (id, holder, _) = await Api.OpenHousehold("张伟");
        var spouse = (await Api.Post($"/households/{id}/members", new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2025-01-01", idNumber = "110101198709030022" },
            LedgerFixture.As("clerk.li"))).Id("personId");
        var policy = (await Api.Post($"/households/{id}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 1800m }, new { personId = spouse, annualPremium = 1650m } },
            waitingPeriodDays = 30, contractReceivedOn = "2024-12-20",
        })).Id("policyId");
        await Api.Post($"/households/{id}/policies/{policy}/premiums", new { amount = 3000m, paidOn = "2025-01-02" });
        var child = await Api.Join(id, "Zoë 张", "child", "2015-06-18", "2025-02-01");
        await Api.Post($"/households/{id}/members/{child}/leave", new { effectiveDate = "2025-05-31", cause = "moved" }, ("X-Reason", "Moved%20abroad"));
        return id;
    }

    [Fact]
    public async Task Coverage_view_contract()
    {
        var id = await FamilyAsync();
        var view = await Api.Get($"/households/{id}/coverage?on=2025-03-01");
        Snapshot.Match(JToken.Parse(view.Raw), Scrubbed);
    }

    [Fact]
    public async Task History_contract()
    {
        var id = await FamilyAsync();
        var history = await Api.Get($"/households/{id}/history");
        Snapshot.Match(JToken.Parse(history.Raw), Scrubbed);
    }

    [Fact]
    public async Task Problem_details_contract()
    {
        var (id, _, _) = await Api.OpenHousehold();
        var problem = await Api.Post($"/households/{id}/members", new { name = "", dateOfBirth = "2025-02-30", relationship = "child", effectiveDate = "2025-01-01" });
        Snapshot.Match(JToken.Parse(problem.Raw), o => o.IgnoreField("traceId"));
    }
}
