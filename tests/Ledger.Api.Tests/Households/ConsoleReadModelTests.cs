using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Households;

/// <summary>
/// The facts the support console says in words, as the view answers them (additions to the view, docs/api.md):
/// why a policy has its status, its status over the term, and a claim's payable step by step.
/// </summary>
public sealed class ConsoleReadModelTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private async Task<(Guid Household, Guid Holder, Guid Policy)> UnpaidMedicalAccidentAsync()
    {
        Fixture.Clock.Reset(LedgerFixture.Start);
        var (household, holder, _) = await Api.OpenHousehold("赵敏", "2024-12-01");
        var issued = await Api.Post($"/households/{household}/policies", new
        {
            category = "medicalAccident", productCode = "MA-CARE", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 40m } },
        });
        Assert.True(issued.Code == 201, issued.ToString());
        return (household, holder, issued.Id("policyId"));
    }

    [Fact]
    public async Task A_claim_in_grace_shows_its_payable_as_the_steps_from_the_amount_claimed()
    {
        var (household, holder, policy) = await UnpaidMedicalAccidentAsync();
        var claim = await Api.Post($"/households/{household}/claims", new { policyId = policy, personId = holder, lossDate = "2025-02-10", cause = "accident", amount = 2000m });
        Assert.Equal(1310m, claim.Json.GetProperty("payable").GetDecimal());

        var view = await Api.Get($"/households/{household}/coverage?on=2025-06-01");
        var b = view.Json.GetProperty("claims")[0].GetProperty("breakdown");
        decimal At(string name) => b.GetProperty(name).GetDecimal();
        Assert.Equal((2000m, 0m, 2000m, 500m, 0.9m, 1350m, 0m, 1350m, 40m, 1310m),
            (At("claimed"), At("notCovered"), At("eligible"), At("deductible"), At("coinsurance"), At("afterCoinsurance"),
                At("limitReduction"), At("benefit"), At("premiumDeducted"), At("payable")));
        Assert.Equal(0m, At("personDeductibleUsedBefore"));
        Assert.Equal(198_650m, At("personLimitRemaining"));
        // Fields the view had before keep their names and values.
        Assert.Equal(500m, view.Json.GetProperty("claims")[0].GetProperty("deductibleApplied").GetDecimal());
    }

    [Fact]
    public async Task A_rejected_claim_shows_everything_claimed_as_not_covered()
    {
        var (household, holder, policy) = await UnpaidMedicalAccidentAsync();
        await Api.Post($"/households/{household}/claims", new { policyId = policy, personId = holder, lossDate = "2025-04-02", cause = "accident", amount = 800m, description = "复诊" });
        var claim = (await Api.Get($"/households/{household}/coverage?on=2025-06-01")).Json.GetProperty("claims")[0];
        Assert.Equal("NoCoverage", claim.GetProperty("rejectionCode").GetString());
        Assert.Equal(800m, claim.GetProperty("breakdown").GetProperty("notCovered").GetDecimal());
        Assert.Equal(0m, claim.GetProperty("breakdown").GetProperty("payable").GetDecimal());
        Assert.Equal("复诊", claim.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("2024-12-15", "pending", "2025-01-01", null, null, null, "2025-12-31")]
    [InlineData("2025-01-01", "active", "2025-01-01", null, null, null, "2025-12-31")]
    [InlineData("2025-02-10", "inGrace", "2025-01-02", "2025-01-01", 40.0, "2025-03-02", "2025-03-02")]
    [InlineData("2025-04-10", "suspended", "2025-03-03", "2025-01-01", 40.0, "2025-03-02", null)]
    public async Task A_policy_says_why_it_has_its_status(string on, string status, string since, string? due, double? unpaid, string? graceEnd, string? until)
    {
        var (household, _, _) = await UnpaidMedicalAccidentAsync();
        var policy = (await Api.Get($"/households/{household}/coverage?on={on}")).Json.GetProperty("policies")[0];
        var reason = policy.GetProperty("statusReason");
        string? Text(string name) => reason.GetProperty(name).ValueKind == JsonValueKind.Null ? null : reason.GetProperty(name).GetString();
        Assert.Equal(status, policy.GetProperty("status").GetString());
        Assert.Equal((status, since, due, graceEnd, until), (Text("status"), Text("since"), Text("dueDate"), Text("graceEnd"), Text("until")));
        decimal? expectedUnpaid = unpaid is { } u ? (decimal)u : null;
        decimal? actualUnpaid = reason.GetProperty("unpaid").ValueKind == JsonValueKind.Null ? null : reason.GetProperty("unpaid").GetDecimal();
        Assert.Equal(expectedUnpaid, actualUnpaid);
        Assert.Equal("Medical accident (医疗意外) cover", policy.GetProperty("productName").GetString());
    }

    [Fact]
    public async Task A_policy_lists_its_status_over_the_term_and_its_reinstatements()
    {
        var (household, _, policy) = await UnpaidMedicalAccidentAsync();
        await Api.Post($"/households/{household}/policies/{policy}/reinstate", new { effectiveDate = "2025-05-01", arrearsPaid = 40m });
        var view = (await Api.Get($"/households/{household}/coverage?on=2025-06-01")).Json.GetProperty("policies")[0];
        var periods = view.GetProperty("timeline").EnumerateArray()
            .Select(p => $"{p.GetProperty("status").GetString()} {p.GetProperty("from").GetString()}..{p.GetProperty("to").GetString()}").ToList();
        Assert.Equal(["active 2025-01-01..2025-01-01", "inGrace 2025-01-02..2025-03-02", "suspended 2025-03-03..2025-04-30", "active 2025-05-01..2025-12-31"], periods);
        Assert.Equal(["2025-05-01"], view.GetProperty("reinstatements").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task The_console_settings_are_public_and_carry_no_data()
    {
        Fixture.Clock.Reset(LedgerFixture.Start);
        using var anonymous = Fixture.Host.Server.CreateClient();
        var answer = await new Infrastructure.Api(anonymous).Get("/console/settings");
        Assert.Equal(200, answer.Code);
        Assert.Equal("Asia/Shanghai", answer.Str("timeZone"));
        Assert.Equal("2025-06-15", answer.Str("today"));
        Assert.Equal(3, answer.Json.EnumerateObject().Count());
    }
}
