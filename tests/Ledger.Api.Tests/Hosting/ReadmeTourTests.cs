using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Hosting;

/// <summary>README's HTTP tour, request by request as printed, on a day long after the 2025 it talks about.</summary>
public sealed class ReadmeTourTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task The_tour_works_as_printed_on_a_day_after_2025()
    {
        var before = Fixture.Clock.GetCurrentInstant();
        Fixture.Clock.Reset(NodaTime.Instant.FromUtc(2027, 2, 10, 2, 0));
        try
        {
            await TourAsync();
        }
        finally
        {
            // Tests of this collection that do not set the clock still expect the one they found.
            Fixture.Clock.Reset(before);
        }
    }

    private async Task TourAsync()
    {
        var clerk = LedgerFixture.As("clerk.li", "clerk", "support", "claimsAssessor");

        var opened = await Api.Post("/households", """{ "holder": { "name": "张伟", "dateOfBirth": "1985-04-12" }, "openedOn": "2025-01-01" }""", clerk);
        Assert.True(opened.Code == 201, opened.ToString());
        Assert.Equal(2, opened.Long("version"));
        var (h, holder) = (opened.Id("householdId"), opened.Id("holderId"));

        var joined = await Api.Post($"/households/{h}/members",
            """{ "name": "张子墨", "dateOfBirth": "2025-03-20", "relationship": "child", "effectiveDate": "2025-03-20" }""",
            clerk, ("If-Match", "\"2\""), ("Idempotency-Key", "7f0c2b1e-newborn"), ("X-Reason", "%E5%87%BA%E7%94%9F%E8%AF%81%E6%98%8E"));
        Assert.True(joined.Code == 201, joined.ToString());
        Assert.Equal(3, joined.Long("version"));
        var newborn = joined.Id("personId");

        foreach (var url in new[] { $"/households/{h}", $"/households/{h}/coverage?on=2025-03-19", $"/households/{h}/history", $"/households/{h}/history/2" })
        {
            var read = await Api.Get(url, clerk);
            Assert.True(read.Code == 200, $"{url}: {read}");
        }

        var policy = await Api.Post($"/households/{h}/policies", $$"""
            { "category": "medical", "productCode": "MED-FAMILY", "policyholderId": "{{holder}}", "termStart": "2025-01-01",
              "termEnd": "2025-12-31", "insured": [{ "personId": "{{holder}}", "annualPremium": 1800 }], "waitingPeriodDays": 30 }
            """, clerk);
        Assert.True(policy.Code == 201, policy.ToString());
        var p = policy.Id("policyId");
        var paid = await Api.Post($"/households/{h}/policies/{p}/premiums", """{ "amount": 1800, "paidOn": "2025-01-02" }""", clerk);
        Assert.True(paid.Code == 200, paid.ToString());
        var insured = await Api.Post($"/households/{h}/policies/{p}/insured", $$"""{ "personId": "{{newborn}}", "effectiveDate": "2025-03-20", "annualPremium": 1200 }""", clerk);
        Assert.True(insured.Code == 200, insured.ToString());
        Assert.Equal(943.56m, insured.Json.GetProperty("premiumDelta").GetDecimal());
        var cover = await Api.Get($"/households/{h}/coverage?on=2025-03-25", clerk);
        Assert.Equal(2, cover.Json.GetProperty("policies")[0].GetProperty("insured").GetArrayLength());

        var claim = await Api.Post($"/households/{h}/claims", $$"""
            { "policyId": "{{p}}", "personId": "{{holder}}", "lossDate": "2025-05-08", "cause": "illness", "amount": 2000 }
            """, clerk);
        Assert.True(claim.Code is 200 or 201, claim.ToString());

        var regulator = LedgerFixture.As("regulator.wu", "regulator");
        foreach (var url in new[] { $"/audit?householdId={h}", "/audit/verify", "/reports/automation", $"/households/{h}/fhir", $"/audit/access?householdId={h}" })
        {
            var read = await Api.Get(url, regulator);
            Assert.True(read.Code == 200, $"{url}: {read}");
        }

        await Refused(400, "ValidationFailed", () => Api.Post("/households",
            """{ "holder": { "name": "张伟", "dateOfBirth": "2025-02-30" }, "openedOn": "2025-01-01" }""", clerk));
    }
}
