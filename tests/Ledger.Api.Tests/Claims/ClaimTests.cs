using System.Text.Json;
using Ledger.Api.Tests.Infrastructure;
using Marten.Events;
using NodaTime;

namespace Ledger.Api.Tests.Claims;

/// <summary>Claims over HTTP: adjudication, review, payment, withdrawal, re-adjudication, registers ("today" is 2025-06-15).</summary>
public sealed class ClaimTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private sealed record Family(Guid Household, Guid Holder, Guid Spouse, Guid Child, Guid Policy);

    /// <summary>MED-FAMILY 2025 with a family deductible of 10,000, paid up; everyone past their waiting period from 2025-01-31.</summary>
    private async Task<Family> InsuredFamilyAsync(string product = "MED-FAMILY", string category = "medical", bool pay = true)
    {
        var (household, holder, _) = await Api.OpenHousehold("张伟", "2024-01-01");
        var spouse = await Api.Join(household, "李娜", "spouse", "1987-09-03", "2024-01-01");
        var child = await Api.Join(household, "张子涵", "child", "2015-06-18", "2024-01-01");
        var issued = await Api.Post($"/households/{household}/policies", new
        {
            category, productCode = product, policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { holder, spouse, child }.Select(p => new { personId = p, annualPremium = 1000m }),
        });
        Assert.True(issued.Code == 201, issued.ToString());
        var policy = issued.Id("policyId");
        if (pay) await Api.Post($"/households/{household}/policies/{policy}/premiums", new { amount = 3000m, paidOn = "2025-01-01" });
        return new Family(household, holder, spouse, child, policy);
    }

    private Task<Answer> Claim(Family f, Guid person, string lossDate, decimal amount, string cause = "illness") =>
        Api.Post($"/households/{f.Household}/claims", new { policyId = f.Policy, personId = person, lossDate, cause, amount, description = "住院" });

    private static JsonElement Counters(Answer view) => view.Json.GetProperty("policies")[0].GetProperty("counters");

    [Fact]
    public async Task Worked_example_2_the_family_shares_one_deductible()
    {
        var f = await InsuredFamilyAsync();

        var mother = await Claim(f, f.Spouse, "2025-02-10", 5000m);
        var child = await Claim(f, f.Child, "2025-03-05", 5000m);
        var father = await Claim(f, f.Holder, "2025-03-20", 2000m);

        Assert.Equal(201, mother.Code);
        Assert.Equal(("approved", 0m, 5000m), (mother.Str("outcome"), mother.Json.GetProperty("payable").GetDecimal(), mother.Json.GetProperty("deductibleApplied").GetDecimal()));
        Assert.Equal(("approved", 0m, 5000m), (child.Str("outcome"), child.Json.GetProperty("payable").GetDecimal(), child.Json.GetProperty("deductibleApplied").GetDecimal()));
        Assert.Equal(("approved", 2000m, 0m), (father.Str("outcome"), father.Json.GetProperty("payable").GetDecimal(), father.Json.GetProperty("deductibleApplied").GetDecimal()));
        var between = Counters(await Api.Get($"/households/{f.Household}/coverage?on=2025-02-28")).GetProperty("familyDeductible");
        Assert.Equal((10000m, 5000m, 5000m), (between.GetProperty("allowed").GetDecimal(), between.GetProperty("used").GetDecimal(), between.GetProperty("remaining").GetDecimal()));
        var after = Counters(await Api.Get($"/households/{f.Household}/coverage?on=2025-04-01")).GetProperty("familyDeductible");
        Assert.Equal(0m, after.GetProperty("remaining").GetDecimal());
    }

    [Fact]
    public async Task Claims_are_judged_on_the_loss_date_with_their_rejection_codes()
    {
        var f = await InsuredFamilyAsync();

        var waiting = await Claim(f, f.Child, "2025-01-15", 800m);
        var accident = await Claim(f, f.Child, "2025-01-15", 800m, "accident");

        Assert.Equal(("rejected", "WaitingPeriod"), (waiting.Str("outcome"), waiting.Str("rejectionCode")));
        Assert.Equal("approved", accident.Str("outcome"));
        var outsider = await Api.OpenHousehold("外人");
        await Refused(404, "UnknownPerson", () => Claim(f, outsider.HolderId, "2025-03-01", 100m));
        var notInsured = await Api.Join(f.Household, "王建国", "parent", "1955-01-01", "2024-06-01");
        Assert.Equal("NotInsured", (await Claim(f, notInsured, "2025-03-01", 100m)).Str("rejectionCode"));
    }

    [Fact]
    public async Task A_loss_in_grace_is_paid_minus_the_unpaid_premium_and_a_loss_while_suspended_is_not_covered()
    {
        var f = await InsuredFamilyAsync(pay: false);

        var inGrace = await Claim(f, f.Holder, "2025-02-15", 20000m, "accident");
        var suspended = await Claim(f, f.Holder, "2025-04-10", 20000m, "accident");

        // 20,000 − 10,000 family deductible = 10,000 benefit, minus the 3,000 premium unpaid on the loss date.
        Assert.Equal(("approved", 7000m), (inGrace.Str("outcome"), inGrace.Json.GetProperty("payable").GetDecimal()));
        Assert.Equal(("rejected", "NoCoverage"), (suspended.Str("outcome"), suspended.Str("rejectionCode")));
    }

    [Fact]
    public async Task Two_claims_in_one_grace_period_deduct_the_premium_once_and_the_deduction_pays_it()
    {
        // Worked example C: MA-CARE for the spouse alone, 1,200 due 2025-01-01 and never paid; in grace until 2025-03-02.
        try
        {
            Fixture.Clock.Reset(Instant.FromUtc(2025, 2, 20, 2, 0));
            var (household, holder, _) = await Api.OpenHousehold("张伟", "2024-01-01");
            var spouse = await Api.Join(household, "李娜", "spouse", "1987-09-03", "2024-01-01");
            var issued = await Api.Post($"/households/{household}/policies", new
            {
                category = "medicalAccident", productCode = "MA-CARE", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
                insured = new[] { new { personId = spouse, annualPremium = 1200m } },
            });
            var f = new Family(household, holder, spouse, Guid.Empty, issued.Id("policyId"));

            var first = await Claim(f, spouse, "2025-02-15", 5500m, "accident");
            Fixture.Clock.Reset(Instant.FromUtc(2025, 2, 26, 2, 0));
            var second = await Claim(f, spouse, "2025-02-25", 2000m, "accident");

            // (5,500 − 500) × 0.9 = 4,500 − 1,200 = 3,300; then 2,000 × 0.9 = 1,800 with nothing more deducted (not 600).
            Assert.Equal(("approved", 3300m), (first.Str("outcome"), first.Json.GetProperty("payable").GetDecimal()));
            Assert.Equal(("approved", 1800m), (second.Str("outcome"), second.Json.GetProperty("payable").GetDecimal()));
            var afterGrace = (await Api.Get($"/households/{household}/coverage?on=2025-03-03")).Json.GetProperty("policies")[0];
            Assert.Equal(("active", 0m), (afterGrace.GetProperty("status").GetString(), afterGrace.GetProperty("premiumBalance").GetDecimal()));

            // Paying the premium the insurer already kept is not refused, nor collected twice: it is a credit.
            Assert.Equal(200, (await Api.Post($"/households/{household}/policies/{f.Policy}/premiums", new { amount = 1200m, paidOn = "2025-02-26" })).Code);
            var credit = (await Api.Get($"/households/{household}/coverage?on=2025-02-26")).Json.GetProperty("policies")[0];
            Assert.Equal(-1200m, credit.GetProperty("premiumBalance").GetDecimal());
            var types = (await Api.Get($"/households/{household}/history")).Json.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
            Assert.DoesNotContain("ClaimReadjudicated", types);
        }
        finally
        {
            Fixture.Clock.Reset(LedgerFixture.Start);
        }
    }

    [Fact]
    public async Task A_large_claim_is_referred_reviewed_paid_and_not_overpaid()
    {
        var f = await InsuredFamilyAsync();

        var referred = await Claim(f, f.Holder, "2025-03-01", 90000m);
        Assert.Equal(("referred", 0m), (referred.Str("outcome"), referred.Json.GetProperty("payable").GetDecimal()));
        var claimId = referred.Id("claimId");
        var url = $"/households/{f.Household}/claims/{claimId}";
        await Refused(409, "NotApproved", () => Api.Post($"{url}/pay", new { paidOn = "2025-04-01", amount = 1m }));
        await Refused(422, "AmountAboveEligible", () => Api.Post($"{url}/review", new { decision = "approve", amount = 90001m, reason = "checked" }));
        await Refused(400, "ValidationFailed", () => Api.Post($"{url}/review", new { decision = "approve", reason = "no amount" }));

        // Four eyes: whoever recorded the claim (here the default caller) does not decide it on review.
        await Refused(409, "FourEyes", () => Api.Post($"{url}/review", new { decision = "approve", amount = 75000m, reason = "my own claim" }));
        var reviewer = LedgerFixture.As("assessor.zhou", "claimsAssessor");
        var payer = LedgerFixture.As("assessor.sun", "claimsAssessor");
        var reviewed = await Api.Post($"{url}/review", new { decision = "approve", amount = 75000m, reason = "Invoices checked" }, reviewer);
        Assert.Equal(200, reviewed.Code);
        Assert.Equal(("approved", 75000m), (reviewed.Str("outcome"), reviewed.Json.GetProperty("payable").GetDecimal()));
        await Refused(409, "NotReferred", () => Api.Post($"{url}/review", new { decision = "reject", reason = "again" }));

        // Four eyes: whoever approved it on review does not pay it.
        await Refused(409, "FourEyes", () => Api.Post($"{url}/pay", new { paidOn = "2025-06-15", amount = 1m }, reviewer));
        Assert.Equal(200, (await Api.Post($"{url}/pay", new { paidOn = "2025-06-15", amount = 50000m }, payer)).Code);
        await Refused(422, "PaymentExceedsApproved", () => Api.Post($"{url}/pay", new { paidOn = "2025-06-15", amount = 25000.01m }, payer));
        Assert.Equal(200, (await Api.Post($"{url}/pay", new { paidOn = "2025-06-15", amount = 25000m }, payer)).Code);
        var claim = (await Api.Get($"/households/{f.Household}")).Json.GetProperty("claims").EnumerateArray().Single(c => c.GetProperty("claimId").GetGuid() == claimId);
        Assert.Equal("paid", claim.GetProperty("status").GetString());
        await Refused(409, "ClaimPaid", () => Api.Post($"{url}/withdraw", new { reason = "too late" }));
    }

    [Fact]
    public async Task A_backdated_death_turns_a_paid_claim_into_a_recovery_in_the_same_command()
    {
        var f = await InsuredFamilyAsync();
        await Claim(f, f.Holder, "2025-02-01", 10000m); // uses the family deductible
        var claim = await Claim(f, f.Spouse, "2025-05-01", 3000m);
        Assert.Equal(3000m, claim.Json.GetProperty("payable").GetDecimal());
        Assert.Equal(200, (await Api.Post($"/households/{f.Household}/claims/{claim.Id("claimId")}/pay", new { paidOn = "2025-06-15", amount = 3000m })).Code);
        await Refused(422, "PaidBeforeClaim", () => Api.Post($"/households/{f.Household}/claims/{claim.Id("claimId")}/pay", new { paidOn = "2025-06-14", amount = 1m }));

        var death = await Api.Post($"/households/{f.Household}/members/{f.Spouse}/leave", new { effectiveDate = "2025-04-20", cause = "death" });

        Assert.Equal(200, death.Code);
        var history = (await Api.Get($"/households/{f.Household}/history")).Json.EnumerateArray().ToList();
        var readjudicated = history.Last(e => e.GetProperty("type").GetString() == "ClaimReadjudicated");
        Assert.Equal(death.Long("version"), readjudicated.GetProperty("version").GetInt64());
        var data = readjudicated.GetProperty("data");
        Assert.Equal(-3000m, data.GetProperty("delta").GetDecimal());
        Assert.Equal(3000m, data.GetProperty("recoveryDue").GetDecimal());
        Assert.Equal("NotInsured", data.GetProperty("adjudication").GetProperty("rejectionCode").GetString());
        var view = (await Api.Get($"/households/{f.Household}")).Json.GetProperty("claims").EnumerateArray().Single(c => c.GetProperty("claimId").GetGuid() == claim.Id("claimId"));
        Assert.Equal(3000m, view.GetProperty("recoveryDue").GetDecimal());
    }

    [Fact]
    public async Task Withdrawing_a_claim_frees_its_deductible_for_later_claims()
    {
        var f = await InsuredFamilyAsync();
        var first = await Claim(f, f.Holder, "2025-02-01", 10000m);
        var second = await Claim(f, f.Spouse, "2025-03-01", 4000m);
        Assert.Equal(4000m, second.Json.GetProperty("payable").GetDecimal());

        var withdrawn = await Api.Post($"/households/{f.Household}/claims/{first.Id("claimId")}/withdraw", new { reason = "Paid by another insurer" });

        Assert.Equal(200, withdrawn.Code);
        var view = (await Api.Get($"/households/{f.Household}")).Json.GetProperty("claims").EnumerateArray().Single(c => c.GetProperty("claimId").GetGuid() == second.Id("claimId"));
        Assert.Equal(0m, view.GetProperty("payable").GetDecimal());
        Assert.Equal(4000m, view.GetProperty("deductibleApplied").GetDecimal());
        await Refused(409, "ClaimWithdrawn", () => Api.Post($"/households/{f.Household}/claims/{first.Id("claimId")}/withdraw", new { reason = "again" }));
    }

    [Fact]
    public async Task Bad_claims_are_refused_and_append_nothing()
    {
        var f = await InsuredFamilyAsync();
        var url = $"/households/{f.Household}/claims";

        await Refused(422, "LossInFuture", () => Claim(f, f.Holder, "2025-06-16", 100m));
        await Refused(400, "ValidationFailed", () => Claim(f, f.Holder, "2025-03-01", 0m));
        await Refused(400, "ValidationFailed", () => Claim(f, f.Holder, "2025-03-01", -5m));
        await Refused(400, "ValidationFailed", () => Claim(f, f.Holder, "2025-03-01", 1_000_000_000_001m));
        await Refused(400, "ValidationFailed", () => Claim(f, f.Holder, "2025-03-01", 100m, "boredom"));
        await Refused(404, "UnknownPolicy", () => Api.Post(url, new { policyId = Guid.NewGuid(), personId = f.Holder, lossDate = "2025-03-01", cause = "illness", amount = 100m }));
        await Refused(404, "UnknownClaim", () => Api.Post($"{url}/{Guid.NewGuid()}/pay", new { paidOn = "2025-04-01", amount = 1m }));
        await Refused(404, "UnknownClaim", () => Api.Post($"{url}/not-a-claim/review", new { decision = "reject", reason = "x" }));
        var approved = await Claim(f, f.Holder, "2025-03-01", 12000m);
        await Refused(409, "NotReferred", () => Api.Post($"{url}/{approved.Id("claimId")}/review", new { decision = "approve", amount = 1m, reason = "x" }));
        await Refused(422, "DateInFuture", () => Api.Post($"{url}/{approved.Id("claimId")}/pay", new { paidOn = "2025-07-01", amount = 1m }));
    }

    [Fact]
    public async Task Registers_and_the_automation_report_follow_after_the_daemon_catches_up()
    {
        var f = await InsuredFamilyAsync();
        var approved = await Claim(f, f.Holder, "2025-02-01", 12000m);
        var referred = await Claim(f, f.Spouse, "2025-03-01", 80000m);

        await Fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        var all = await Api.Get("/registers/claims?category=medical&from=2025-01-01&to=2025-12-31&limit=1000");
        Assert.Equal(200, all.Code);
        var mine = all.Json.EnumerateArray().Where(c => c.GetProperty("householdId").GetGuid() == f.Household).ToList();
        Assert.Equal(2, mine.Count);
        var referredRows = await Api.Get("/registers/claims?status=referred&limit=1000");
        Assert.Contains(referredRows.Json.EnumerateArray(), c => c.GetProperty("id").GetGuid() == referred.Id("claimId"));
        Assert.DoesNotContain(referredRows.Json.EnumerateArray(), c => c.GetProperty("id").GetGuid() == approved.Id("claimId"));

        var report = await Api.Get("/reports/automation?from=2025-01-01&to=2025-12-31");
        Assert.Equal(200, report.Code);
        var claims = report.Json.GetProperty("claims");
        Assert.True(claims.GetProperty("automated").GetInt32() >= 1);
        Assert.True(claims.GetProperty("referred").GetInt32() >= 1);
        Assert.Equal(0.40m, claims.GetProperty("target").GetDecimal());
        Assert.Equal(0.70m, report.Json.GetProperty("underwriting").GetProperty("target").GetDecimal());
        Assert.Equal(0, report.Json.GetProperty("projectionLag").GetInt64());

        var ready = await Api.Get("/health/ready");
        Assert.Equal("Healthy", ready.Json.GetProperty("checks").GetProperty("projections").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_renewals_register_lists_terms_ending_soon()
    {
        var (household, holder, _) = await Api.OpenHousehold("王芳", "2024-01-01");
        var issued = await Api.Post($"/households/{household}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = holder, termStart = "2024-07-01", termEnd = "2025-06-30",
            insured = new[] { new { personId = holder, annualPremium = 2600m } },
        });
        await Fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

        var within30 = await Api.Get("/registers/renewals?within=30");
        var within5 = await Api.Get("/registers/renewals?within=5");

        Assert.Contains(within30.Json.EnumerateArray(), r => r.GetProperty("policyId").GetGuid() == issued.Id("policyId") && r.GetProperty("daysLeft").GetInt32() == 15);
        Assert.DoesNotContain(within5.Json.EnumerateArray(), r => r.GetProperty("policyId").GetGuid() == issued.Id("policyId"));
    }

    [Theory]
    [InlineData("/registers/claims?status=lost")]
    [InlineData("/registers/claims?from=2025-02-30")]
    [InlineData("/registers/claims?from=2025-03-01&to=2025-02-01")]
    [InlineData("/registers/renewals?within=-1")]
    [InlineData("/registers/renewals?within=soon")]
    [InlineData("/reports/automation?from=2025-12-01&to=2025-01-01")]
    public async Task Bad_register_queries_are_400(string url)
    {
        var answer = await Api.Get(url);
        Assert.Equal(400, answer.Code);
        Assert.Equal("ValidationFailed", answer.ProblemCode);
    }
}
