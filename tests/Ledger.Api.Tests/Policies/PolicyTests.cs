using System.Text.Json;
using Ledger.Api.Registers;
using Ledger.Api.Security;
using Ledger.Api.Tests.Infrastructure;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests.Policies;

/// <summary>The policy lifecycle over HTTP: each endpoint's success and its refusals ("today" is 2025-06-15).</summary>
public sealed class PolicyTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private async Task<(Guid Household, Guid Holder, Guid Spouse, Guid Child)> FamilyAsync()
    {
        var (household, holder, _) = await Api.OpenHousehold("张伟", "2024-01-01");
        var spouse = await Api.Join(household, "李娜", "spouse", "1987-09-03", "2024-01-01");
        var child = await Api.Join(household, "张子涵", "child", "2015-06-18", "2024-01-01");
        return (household, holder, spouse, child);
    }

    private async Task<Guid> IssueMedicalAsync(Guid household, Guid holder, params Guid[] insured)
    {
        var answer = await Api.Post($"/households/{household}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = insured.Select(p => new { personId = p, annualPremium = 1825m }), waitingPeriodDays = 30,
        });
        Assert.True(answer.Code == 201, answer.ToString());
        return answer.Id("policyId");
    }

    private static JsonElement PolicyIn(Answer view, Guid policyId) =>
        view.Json.GetProperty("policies").EnumerateArray().Single(p => p.GetProperty("policyId").GetGuid() == policyId);

    [Fact]
    public async Task Beneficiaries_are_designated_per_insured_person_and_bad_designations_are_refused()
    {
        var (household, holder, spouse, child) = await FamilyAsync();
        var ci = await Api.Post($"/households/{household}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 2600m } },
        });
        var policyId = ci.Id("policyId");
        var url = $"/households/{household}/policies/{policyId}/insured/{holder}/beneficiaries";
        static object Shares(params (Guid Person, decimal Share)[] shares) =>
            new { beneficiaries = shares.Select(s => new { personId = s.Person, share = s.Share }) };

        var notHundred = await Refused(400, "ValidationFailed", () => Api.Post(url, Shares((spouse, 60m))));
        Assert.Contains("add up to 100", notHundred.Raw);
        await Refused(400, "ValidationFailed", () => Api.Post(url, new { }));
        await Refused(422, "InsuredAsBeneficiary", () => Api.Post(url, Shares((holder, 100m))));
        await Refused(404, "UnknownPerson", () => Api.Post(url, Shares((Guid.NewGuid(), 100m))));
        await Refused(404, "NotInsured", () => Api.Post($"/households/{household}/policies/{policyId}/insured/{spouse}/beneficiaries", Shares((child, 100m))));
        var medical = await IssueMedicalAsync(household, holder, holder);
        await Refused(422, "NoDeathBenefit", () => Api.Post($"/households/{household}/policies/{medical}/insured/{holder}/beneficiaries", Shares((spouse, 100m))));

        var designated = await Api.Post(url, Shares((spouse, 60.5m), (child, 39.5m)));

        Assert.Equal(200, designated.Code);
        var insured = PolicyIn(await Api.Get($"/households/{household}"), policyId).GetProperty("insured")[0];
        Assert.Equal([(spouse, 60.5m), (child, 39.5m)],
            insured.GetProperty("beneficiaries").EnumerateArray().Select(b => (b.GetProperty("personId").GetGuid(), b.GetProperty("share").GetDecimal())));
        await Refused(409, "DesignationUnchanged", () => Api.Post(url, Shares((spouse, 60.5m), (child, 39.5m))));
        var history = (await Api.Get($"/households/{household}/history")).Json.EnumerateArray().ToList();
        Assert.Equal("BeneficiaryDesignated", history[^1].GetProperty("type").GetString());

        // A change of beneficiary counts as an automated policy change in the regulator's automation report.
        await Fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        await using var session = Fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession(Tenancy.Default);
        var changes = await session.Query<AutomationDecision>()
            .Where(d => d.HouseholdId == household && d.Kind == DecisionKind.PolicyChange).ToListAsync();
        Assert.Equal([true], changes.Select(c => c.Automated));
    }

    [Fact]
    public async Task A_policy_is_issued_with_automated_underwriting_and_shown_in_the_view()
    {
        var (household, holder, spouse, _) = await FamilyAsync();

        var answer = await Api.Post($"/households/{household}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 1800m }, new { personId = spouse, annualPremium = 1650m } },
            waitingPeriodDays = 30, familyDeductible = 10000m, contractReceivedOn = "2024-12-20",
        });

        Assert.Equal(201, answer.Code);
        Assert.Equal("accepted", answer.Str("underwriting"));
        Assert.Equal(7, answer.Long("version")); // 4 household events + underwriting, issue, premium due
        var policy = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-02-01"), answer.Id("policyId"));
        Assert.Equal("inGrace", policy.GetProperty("status").GetString());
        Assert.Equal("2025-01-01", policy.GetProperty("term").GetProperty("start").GetString());
        Assert.Equal("2025-12-31", policy.GetProperty("term").GetProperty("end").GetString());
        Assert.Equal("2025-03-02", policy.GetProperty("graceEnd").GetString());
        Assert.Equal(3450m, policy.GetProperty("premiumBalance").GetDecimal());
        Assert.Equal(10000m, policy.GetProperty("conditions").GetProperty("familyDeductible").GetDecimal());
        var insured = policy.GetProperty("insured")[0];
        Assert.Equal("2025-01-01", insured.GetProperty("coverFrom").GetString());
        Assert.Equal("2025-01-31", insured.GetProperty("illnessCoverFrom").GetString());
        Assert.Equal("2025-12-31", insured.GetProperty("coverTo").GetString());
    }

    [Fact]
    public async Task An_application_outside_the_rules_is_referred_then_accepted_by_a_person()
    {
        var (household, holder, _, _) = await FamilyAsync();
        var grandfather = await Api.Join(household, "王建国", "parent", "1935-05-01", "2024-06-01");

        var applied = await Api.Post($"/households/{household}/policies", new
        {
            category = "longTermCare", productCode = "LTC-HOME", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = grandfather, annualPremium = 9800m } },
        });
        Assert.Equal(201, applied.Code);
        Assert.Equal("referred", applied.Str("underwriting"));
        var policyId = applied.Id("policyId");
        var view = await Api.Get($"/households/{household}");
        Assert.Empty(view.Json.GetProperty("policies").EnumerateArray());
        Assert.Equal(policyId, view.Json.GetProperty("applications")[0].GetProperty("policyId").GetGuid());

        // Four eyes: whoever applied (the default caller) does not decide the referral; another clerk does.
        await Refused(409, "FourEyes", () => Api.Post($"/households/{household}/policies/{policyId}/underwriting", new { decision = "accept", reason = "my own application" }));
        var underwriter = LedgerFixture.As("underwriter.li", "clerk");
        var decided = await Api.Post($"/households/{household}/policies/{policyId}/underwriting", new { decision = "accept", reason = "Medical report reviewed" }, underwriter);

        Assert.Equal(200, decided.Code);
        Assert.Equal("accepted", decided.Str("underwriting"));
        view = await Api.Get($"/households/{household}");
        Assert.Equal(policyId, view.Json.GetProperty("policies")[0].GetProperty("policyId").GetGuid());
        Assert.Empty(view.Json.GetProperty("applications").EnumerateArray());
        await Refused(409, "NotReferred", () => Api.Post($"/households/{household}/policies/{policyId}/underwriting", new { decision = "accept", reason = "again" }, underwriter));
    }

    [Fact]
    public async Task Issuing_refuses_bad_applications_and_appends_nothing()
    {
        var (household, holder, _, _) = await FamilyAsync();
        var outsider = await Api.OpenHousehold("外人");
        object Application(string termStart = "2025-01-01", string termEnd = "2025-12-31", string category = "medical", string product = "MED-FAMILY",
            Guid? person = null, decimal premium = 1000m) => new
        {
            category, productCode = product, policyholderId = holder, termStart, termEnd,
            insured = new[] { new { personId = person ?? holder, annualPremium = premium } },
        };
        var url = $"/households/{household}/policies";

        await Refused(422, "TermEndsBeforeStart", () => Api.Post(url, Application(termEnd: "2024-12-31")));
        await Refused(422, "TermTooLong", () => Api.Post(url, Application(termEnd: "2026-01-01")));
        await Refused(422, "UnknownProduct", () => Api.Post(url, Application(product: "NOPE")));
        await Refused(422, "CategoryMismatch", () => Api.Post(url, Application(category: "motor")));
        await Refused(400, "ValidationFailed", () => Api.Post(url, Application(category: "pet")));
        await Refused(400, "ValidationFailed", () => Api.Post(url, Application(premium: 0m)));
        await Refused(400, "ValidationFailed", () => Api.Post(url, Application(premium: -5m)));
        await Refused(400, "ValidationFailed", () => Api.Post(url, Application(premium: 2_000_000_000_000m)));
        await Refused(404, "UnknownPerson", () => Api.Post(url, Application(person: Guid.NewGuid())));
        await Refused(404, "UnknownPerson", () => Api.Post(url, Application(person: outsider.HolderId)));
        await Refused(422, "NotAMember", () => Api.Post(url, Application(termStart: "2023-06-01", termEnd: "2024-05-31")));
        await Refused(400, "ValidationFailed", () => Api.Post(url, """{ "category": "medical", "productCode": "MED-FAMILY" }"""));
        await Refused(400, "ValidationFailed", () => Api.Post(url, $$"""{ "category": "medical", "productCode": "MED-FAMILY", "policyholderId": "{{holder}}", "termStart": "2025-01-01", "termEnd": "2025-12-31", "insured": [null] }"""));
        await Refused(400, "ValidationFailed", () => Api.Post(url, $$"""{ "category": "motor", "productCode": "MOTOR-FAMILY", "policyholderId": "{{holder}}", "termStart": "2025-01-01", "termEnd": "2025-12-31", "vehicles": [null] }"""));
        await Refused(404, "UnknownHousehold", () => Api.Post($"/households/{Guid.NewGuid()}/policies", Application()));
    }

    [Fact]
    public async Task A_newborn_added_mid_term_pays_pro_rata_and_waits_for_illness_cover()
    {
        var (household, holder, _, _) = await FamilyAsync();
        var policyId = await IssueMedicalAsync(household, holder, holder);
        await Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = 1825m, paidOn = "2025-01-01" });
        var newborn = await Api.Join(household, "张子墨", "child", "2025-03-20", "2025-03-20");

        var added = await Api.Post($"/households/{household}/policies/{policyId}/insured", new { personId = newborn, effectiveDate = "2025-03-20", annualPremium = 3650m });

        Assert.Equal(200, added.Code);
        Assert.Equal(2870.00m, added.Json.GetProperty("premiumDelta").GetDecimal()); // 3650 × 287/365
        var onDay5 = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-03-25"), policyId).GetProperty("insured")[1];
        Assert.True(onDay5.GetProperty("covered").GetBoolean());
        Assert.False(onDay5.GetProperty("illnessCovered").GetBoolean());
        Assert.Equal("2025-04-19", onDay5.GetProperty("illnessCoverFrom").GetString());
        var onDay31 = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-04-19"), policyId).GetProperty("insured")[1];
        Assert.True(onDay31.GetProperty("illnessCovered").GetBoolean());

        await Refused(409, "AlreadyInsured", () => Api.Post($"/households/{household}/policies/{policyId}/insured", new { personId = newborn, effectiveDate = "2025-04-01", annualPremium = 3650m }));
        await Refused(422, "OutsideTerm", () => Api.Post($"/households/{household}/policies/{policyId}/insured", new { personId = newborn, effectiveDate = "2026-01-05", annualPremium = 3650m }));
        await Refused(404, "UnknownPolicy", () => Api.Post($"/households/{household}/policies/{Guid.NewGuid()}/insured", new { personId = newborn, effectiveDate = "2025-04-01", annualPremium = 3650m }));
        await Refused(404, "UnknownPolicy", () => Api.Post($"/households/{household}/policies/not-an-id/insured", new { personId = newborn, effectiveDate = "2025-04-01", annualPremium = 3650m }));
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{household}/policies/{policyId}/insured", new { personId = newborn, effectiveDate = "2025-04-01", annualPremium = 0 }));
    }

    [Fact]
    public async Task Removing_an_insured_refunds_pro_rata_after_their_last_day()
    {
        var (household, holder, spouse, _) = await FamilyAsync();
        var policyId = await IssueMedicalAsync(household, holder, holder, spouse);

        var removed = await Api.Post($"/households/{household}/policies/{policyId}/insured/{spouse}/remove", new { effectiveDate = "2025-06-30", cause = "request" });

        Assert.Equal(200, removed.Code);
        Assert.Equal(920.00m, removed.Json.GetProperty("refund").GetDecimal()); // 1825 × 184/365 (2025-07-01..12-31)
        var spouseCover = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-07-01"), policyId).GetProperty("insured")[1];
        Assert.Equal("2025-06-30", spouseCover.GetProperty("coverTo").GetString());
        Assert.False(spouseCover.GetProperty("covered").GetBoolean());
        await Refused(409, "AlreadyRemoved", () => Api.Post($"/households/{household}/policies/{policyId}/insured/{spouse}/remove", new { effectiveDate = "2025-06-30", cause = "request" }));
        await Refused(422, "LastInsured", () => Api.Post($"/households/{household}/policies/{policyId}/insured/{holder}/remove", new { effectiveDate = "2025-06-30", cause = "request" }));
        await Refused(404, "NotInsured", () => Api.Post($"/households/{household}/policies/{policyId}/insured/{Guid.NewGuid()}/remove", new { effectiveDate = "2025-06-30", cause = "request" }));
    }

    [Fact]
    public async Task A_member_leaving_the_household_ends_their_cover_on_every_policy_with_a_refund()
    {
        var (household, holder, spouse, _) = await FamilyAsync();
        var policyId = await IssueMedicalAsync(household, holder, holder, spouse);

        var left = await Api.Post($"/households/{household}/members/{spouse}/leave", new { effectiveDate = "2025-06-30", cause = "divorce" });

        Assert.Equal(200, left.Code);
        var refund = left.Json.GetProperty("refunds")[0];
        Assert.Equal(policyId, refund.GetProperty("policyId").GetGuid());
        Assert.Equal(920.00m, refund.GetProperty("refund").GetDecimal());
        var cover = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-07-01"), policyId).GetProperty("insured")[1];
        Assert.Equal("2025-06-30", cover.GetProperty("coverTo").GetString());
        Assert.Equal("memberLeft:divorce", cover.GetProperty("endCause").GetString());
    }

    [Fact]
    public async Task Worked_example_3_grace_then_suspension_then_reinstatement()
    {
        var (household, holder, _, _) = await FamilyAsync();
        var policyId = await IssueMedicalAsync(household, holder, holder);

        var inGrace = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-02-15"), policyId);
        var suspended = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-04-10"), policyId);

        Assert.Equal("inGrace", inGrace.GetProperty("status").GetString());
        Assert.Equal("2025-03-02", inGrace.GetProperty("graceEnd").GetString());
        Assert.True(inGrace.GetProperty("insured")[0].GetProperty("covered").GetBoolean());
        Assert.Equal("suspended", suspended.GetProperty("status").GetString());
        Assert.Equal("2025-03-03", suspended.GetProperty("suspendedFrom").GetString());
        Assert.False(suspended.GetProperty("insured")[0].GetProperty("covered").GetBoolean());

        await Refused(422, "ArrearsNotPaid", () => Api.Post($"/households/{household}/policies/{policyId}/reinstate", new { effectiveDate = "2025-05-01", arrearsPaid = 100m }));
        var reinstated = await Api.Post($"/households/{household}/policies/{policyId}/reinstate", new { effectiveDate = "2025-05-01", arrearsPaid = 1825m });
        Assert.Equal(200, reinstated.Code);
        var after = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-05-10"), policyId);
        Assert.Equal("active", after.GetProperty("status").GetString());
        Assert.Equal("2025-05-31", after.GetProperty("insured")[0].GetProperty("illnessCoverFrom").GetString());
        Assert.False(after.GetProperty("insured")[0].GetProperty("illnessCovered").GetBoolean());
        await Refused(409, "NotSuspended", () => Api.Post($"/households/{household}/policies/{policyId}/reinstate", new { effectiveDate = "2025-06-01", arrearsPaid = 1m }));
    }

    [Fact]
    public async Task Premiums_are_recorded_and_overpayment_or_future_payment_is_refused()
    {
        var (household, holder, _, _) = await FamilyAsync();
        var policyId = await IssueMedicalAsync(household, holder, holder);

        var paid = await Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = 1825m, paidOn = "2025-01-01" });

        Assert.Equal(200, paid.Code);
        var policy = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-04-10"), policyId);
        Assert.Equal("active", policy.GetProperty("status").GetString());
        Assert.Equal("2025-12-31", policy.GetProperty("paidThrough").GetString());
        Assert.Equal(0m, policy.GetProperty("premiumBalance").GetDecimal());
        await Refused(422, "Overpayment", () => Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = 1m, paidOn = "2025-02-01" }));
        await Refused(422, "DateInFuture", () => Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = 1m, paidOn = "2025-07-01" }));
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = -1m, paidOn = "2025-02-01" }));
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = 1.234m, paidOn = "2025-02-01" }));
    }

    [Fact]
    public async Task Withdrawal_inside_cooling_off_voids_from_inception_with_a_full_refund()
    {
        var (household, holder, _, _) = await FamilyAsync();
        var issued = await Api.Post($"/households/{household}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = holder, termStart = "2025-06-01", termEnd = "2026-05-31",
            insured = new[] { new { personId = holder, annualPremium = 2600m } }, contractReceivedOn = "2025-06-05",
        });
        var policyId = issued.Id("policyId");
        await Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = 2600m, paidOn = "2025-06-01" });

        await Refused(422, "BeforeContractReceived", () => Api.Post($"/households/{household}/policies/{policyId}/withdraw", new { requestedOn = "2025-06-02" }));
        var withdrawn = await Api.Post($"/households/{household}/policies/{policyId}/withdraw", new { requestedOn = "2025-06-15" });

        Assert.Equal(200, withdrawn.Code);
        Assert.Equal(2600m, withdrawn.Json.GetProperty("refund").GetDecimal());
        Assert.True(withdrawn.Json.GetProperty("voided").GetBoolean());
        Assert.Equal("voided", PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-06-03"), policyId).GetProperty("status").GetString());
        await Refused(409, "PolicyVoided", () => Api.Post($"/households/{household}/policies/{policyId}/withdraw", new { requestedOn = "2025-06-15" }));
    }

    [Fact]
    public async Task Withdrawal_after_cooling_off_is_refused_and_cancellation_refunds_pro_rata()
    {
        var (household, holder, _, _) = await FamilyAsync();
        var policyId = await IssueMedicalAsync(household, holder, holder);
        await Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = 1825m, paidOn = "2025-01-01" });

        await Refused(422, "CoolingOffOver", () => Api.Post($"/households/{household}/policies/{policyId}/withdraw", new { requestedOn = "2025-03-01" }));
        var cancelled = await Api.Post($"/households/{household}/policies/{policyId}/cancel", new { effectiveDate = "2025-06-30", reason = "Moving abroad" });

        Assert.Equal(200, cancelled.Code);
        Assert.Equal(920.00m, cancelled.Json.GetProperty("refund").GetDecimal());
        Assert.Equal("active", PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-06-30"), policyId).GetProperty("status").GetString());
        var after = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-07-01"), policyId);
        Assert.Equal("cancelled", after.GetProperty("status").GetString());
        Assert.Equal(-920.00m, after.GetProperty("premiumBalance").GetDecimal());
        await Refused(409, "PolicyCancelled", () => Api.Post($"/households/{household}/policies/{policyId}/cancel", new { effectiveDate = "2025-06-30", reason = "again" }));
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{household}/policies/{policyId}/cancel", new { effectiveDate = "2025-06-30" }));
    }

    [Fact]
    public async Task Renewal_continues_cover_and_expiry_follows_an_unrenewed_term()
    {
        var (household, holder, spouse, _) = await FamilyAsync();
        var renewing = await IssueMedicalAsync(household, holder, holder, spouse);
        var expiring = await IssueMedicalAsync(household, holder, spouse);

        var renewed = await Api.Post($"/households/{household}/policies/{renewing}/renew", new { termStart = "2026-01-01", termEnd = "2026-12-31", annualPremium = 4000m });

        Assert.Equal(200, renewed.Code);
        Assert.True(renewed.Json.GetProperty("continuous").GetBoolean());
        var view = await Api.Get($"/households/{household}/coverage?on=2026-01-01");
        var next = PolicyIn(view, renewing);
        Assert.Equal("2026-01-01", next.GetProperty("term").GetProperty("start").GetString());
        Assert.Equal(4000m, next.GetProperty("annualPremium").GetDecimal());
        Assert.Equal("2025-01-31", next.GetProperty("insured")[0].GetProperty("illnessCoverFrom").GetString());
        Assert.Equal("expired", PolicyIn(view, expiring).GetProperty("status").GetString());
        await Refused(422, "OverlapsTerm", () => Api.Post($"/households/{household}/policies/{renewing}/renew", new { termStart = "2026-06-01", termEnd = "2027-05-31", annualPremium = 4000m }));
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{household}/policies/{expiring}/renew", new { termStart = "2026-01-01", termEnd = "2026-12-31", annualPremium = 0 }));
    }

    [Fact]
    public async Task Motor_policies_cover_vehicles_added_and_removed_pro_rata()
    {
        var (household, holder, _, _) = await FamilyAsync();
        var issued = await Api.Post($"/households/{household}/policies", new
        {
            category = "motor", productCode = "MOTOR-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            vehicles = new[] { new { plate = "京AD12345", vin = "LGXCE4CB8P0123456", newEnergy = true, annualPremium = 3650m } },
        });
        Assert.Equal(201, issued.Code);
        var policyId = issued.Id("policyId");
        await Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = 3650m, paidOn = "2025-01-01" });

        var added = await Api.Post($"/households/{household}/policies/{policyId}/vehicles",
            new { vehicle = new { plate = "沪B67890", vin = "LSVAU2180N2123456", newEnergy = false, annualPremium = 3650m }, effectiveDate = "2025-03-20" });
        Assert.Equal(200, added.Code);
        Assert.Equal(2870.00m, added.Json.GetProperty("premiumDelta").GetDecimal());
        var removed = await Api.Post($"/households/{household}/policies/{policyId}/vehicles/{Uri.EscapeDataString("沪B67890")}/remove", new { effectiveDate = "2025-06-30" });
        Assert.Equal(200, removed.Code);
        Assert.Equal(1840.00m, removed.Json.GetProperty("refund").GetDecimal());
        var vehicles = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-07-01"), policyId).GetProperty("vehicles");
        Assert.True(vehicles[0].GetProperty("newEnergy").GetBoolean());
        Assert.Equal("2025-06-30", vehicles[1].GetProperty("coverTo").GetString());
        await Refused(422, "LastVehicle", () => Api.Post($"/households/{household}/policies/{policyId}/vehicles/{Uri.EscapeDataString("京AD12345")}/remove", new { effectiveDate = "2025-06-30" }));
        await Refused(404, "UnknownVehicle", () => Api.Post($"/households/{household}/policies/{policyId}/vehicles/XX000/remove", new { effectiveDate = "2025-06-30" }));
        await Refused(422, "VehicleRequired", () => Api.Post($"/households/{household}/policies", new
        {
            category = "motor", productCode = "MOTOR-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 100m } },
        }));
    }

    [Fact]
    public async Task A_backdated_removal_changes_the_past_view_but_not_what_was_known_before()
    {
        var (household, holder, spouse, _) = await FamilyAsync();
        var policyId = await IssueMedicalAsync(household, holder, holder, spouse);
        await Api.Post($"/households/{household}/policies/{policyId}/premiums", new { amount = 3650m, paidOn = "2025-01-01" });
        var before = Fixture.Clock.GetCurrentInstant();
        Fixture.Clock.Advance(NodaTime.Duration.FromMinutes(5));
        await Api.Post($"/households/{household}/members/{spouse}/leave", new { effectiveDate = "2025-02-28", cause = "death" });
        Fixture.Clock.Advance(NodaTime.Duration.FromMinutes(5));

        var oldBelief = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-04-01&knownAt={before}"), policyId).GetProperty("insured")[1];
        var newBelief = PolicyIn(await Api.Get($"/households/{household}/coverage?on=2025-04-01"), policyId).GetProperty("insured")[1];

        Assert.True(oldBelief.GetProperty("covered").GetBoolean());
        Assert.Equal("2025-12-31", oldBelief.GetProperty("coverTo").GetString());
        Assert.False(newBelief.GetProperty("covered").GetBoolean());
        Assert.Equal("2025-02-28", newBelief.GetProperty("coverTo").GetString());
    }

    [Fact]
    public async Task A_guaranteed_renewal_cannot_be_declined_before_its_horizon()
    {
        var (household, holder, _, child) = await FamilyAsync();
        var guaranteed = await IssueMedicalAsync(household, holder, holder);
        var ci = await Api.Post($"/households/{household}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = child, annualPremium = 600m } },
        });

        await Refused(422, "GuaranteedRenewal", () => Api.Post($"/households/{household}/policies/{guaranteed}/decline-renewal", new { reason = "Claims too high" }));
        var declined = await Api.Post($"/households/{household}/policies/{ci.Id("policyId")}/decline-renewal", new { reason = "Product withdrawn" });
        Assert.Equal(200, declined.Code);
        await Refused(409, "RenewalDeclined", () => Api.Post($"/households/{household}/policies/{ci.Id("policyId")}/renew", new { termStart = "2026-01-01", termEnd = "2026-12-31", annualPremium = 650m }));
    }
}
