using System.Text.Json;
using Ledger.Api.Policies;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Wolverine;

namespace Ledger.Api.Tests.Privacy;

/// <summary>PIPL erasure: restriction at once, crypto-shredding when the 保险法 §87 retention ends ("today" is 2025-06-15).</summary>
public sealed class ErasureTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task After_retention_the_person_is_shredded_amounts_and_dates_replay_identically_and_the_chain_verifies()
    {
        var (household, holder, _) = await Api.OpenHousehold("张伟", "2015-01-01");
        var lina = (await Api.Post($"/households/{household}/members",
            new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2015-01-01", idNumber = "110101198709030022" })).Id("personId");
        var policy = (await Api.Post($"/households/{household}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = holder, termStart = "2018-01-01", termEnd = "2018-12-31",
            insured = new[] { new { personId = lina, annualPremium = 1825m } },
        })).Id("policyId");
        await Api.Post($"/households/{household}/policies/{policy}/premiums", new { amount = 1825m, paidOn = "2018-01-01" });
        await Api.Post($"/households/{household}/claims", new { policyId = policy, personId = lina, lossDate = "2018-05-01", cause = "accident", amount = 12800m, description = "骨折手术" });
        await Api.Post($"/households/{household}/members/{lina}/consents", new { purpose = "marketing", given = true, effectiveDate = "2015-01-01" });
        var before = await Api.Get($"/households/{household}/coverage?on=2018-06-01");
        Assert.Equal("李娜", before.Json.GetProperty("members")[1].GetProperty("name").GetString());

        var erasure = await Api.Post($"/households/{household}/members/{lina}/erasure", new { requestedOn = "2025-06-01", reason = "Moved abroad; asks for deletion" });

        Assert.Equal(200, erasure.Code);
        Assert.Equal("2023-12-31", erasure.Str("retainedUntil")); // 2018 contract ended 2018-12-31, + 5 years
        var search = await Api.Get($"/households?name={Uri.EscapeDataString("李娜")}");
        Assert.DoesNotContain(search.Json.EnumerateArray(), h => h.GetProperty("householdId").GetGuid() == household);
        await Refused(409, "ErasureAlreadyRequested", () => Api.Post($"/households/{household}/members/{lina}/erasure", new { requestedOn = "2025-06-02", reason = "again" }));

        using (var scope = Fixture.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<SweepResult>(new RunSweep(new LocalDate(2025, 6, 15)));

        var after = await Api.Get($"/households/{household}/coverage?on=2018-06-01");
        var member = after.Json.GetProperty("members")[1];
        Assert.Equal("[erased]", member.GetProperty("name").GetString());
        Assert.Equal("[erased]", member.GetProperty("idNumber").GetString());
        // Every amount and date is as before: only the personal data is gone.
        Assert.Equal(Scrub(before.Json), Scrub(after.Json));
        var history = await Api.Get($"/households/{household}/history");
        Assert.DoesNotContain("李娜", history.Raw);
        Assert.DoesNotContain("110101198709030022", history.Raw);
        Assert.DoesNotContain("骨折手术", history.Raw);
        Assert.Contains(history.Json.EnumerateArray(), e => e.GetProperty("type").GetString() == "PersonalDataShredded");
        var verified = await Api.Get($"/audit/verify?householdId={household}");
        Assert.True(verified.Json.GetProperty("verified").GetBoolean(), verified.Raw);
        var fhir = await (await Fixture.Client.GetAsync($"/households/{household}/fhir")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("李娜", fhir);
        Assert.Contains("[erased]", fhir);
        var audit = await Api.Get($"/audit?householdId={household}");
        Assert.DoesNotContain("李娜", audit.Raw);
    }

    [Fact]
    public async Task While_a_contract_runs_the_records_are_kept_and_only_restricted()
    {
        var (household, holder, _) = await Api.OpenHousehold("王芳", "2024-01-01");
        await Api.Post($"/households/{household}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 1825m } },
        });

        var erasure = await Api.Post($"/households/{household}/members/{holder}/erasure", new { requestedOn = "2025-06-01", reason = "Please delete" });
        using (var scope = Fixture.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<SweepResult>(new RunSweep(new LocalDate(2025, 6, 15)));

        Assert.Equal("9999-12-31", erasure.Str("retainedUntil"));
        Assert.Equal("王芳", (await Api.Get($"/households/{household}")).Json.GetProperty("members")[0].GetProperty("name").GetString());
        var list = await Api.Get($"/households?number={(await Api.Get($"/households/{household}")).Str("householdNumber")}");
        Assert.Equal("[restricted]", list.Json[0].GetProperty("holderName").GetString());
    }

    [Fact]
    public async Task Bad_privacy_requests_are_refused()
    {
        var (household, holder, _) = await Api.OpenHousehold("王芳", "2024-01-01");
        await Refused(400, "ValidationFailed", () => Api.Post($"/households/{household}/members/{holder}/consents", new { purpose = "", given = true, effectiveDate = "2025-01-01" }));
        await Refused(404, "UnknownPerson", () => Api.Post($"/households/{household}/members/{Guid.NewGuid()}/erasure", new { requestedOn = "2025-06-01", reason = "x" }));
        await Refused(422, "DateInFuture", () => Api.Post($"/households/{household}/members/{holder}/erasure", new { requestedOn = "2025-07-01", reason = "x" }));
        var consent = await Api.Post($"/households/{household}/members/{holder}/consents", new { purpose = "marketing", given = true, effectiveDate = "2025-01-01" });
        Assert.Equal(200, consent.Code);
        var again = await Api.Post($"/households/{household}/members/{holder}/consents", new { purpose = "marketing", given = true, effectiveDate = "2025-01-02" });
        Assert.Equal(consent.Long("version"), again.Long("version")); // nothing changed, nothing appended
    }

    private static string Scrub(JsonElement view)
    {
        // The stream grew by the erasure events: the version differs, nothing else may.
        var text = System.Text.RegularExpressions.Regex.Replace(view.GetRawText(), "^\\{\"householdId\":\"[^\"]+\",\"householdNumber\":\"[^\"]+\",\"version\":\\d+", "");
        // The view shows the claim's description (personal data too) since the support console needs it.
        foreach (var value in new[] { "李娜", "110101198709030022", "骨折手术", "[erased]" }) text = text.Replace($"\"{value}\"", "\"\"");
        return text;
    }
}
