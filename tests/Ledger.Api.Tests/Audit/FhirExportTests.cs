#nullable disable
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Ledger.Api.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace Ledger.Api.Tests.Audit;

/// <summary>The FHIR R4 export, parsed back with the Firely SDK.</summary>
public sealed class FhirExportTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public async Task A_household_exports_as_a_valid_fhir_r4_bundle()
    {
        var (household, holder, _) = await Api.OpenHousehold("张伟", "2024-01-01");
        var spouse = await Api.Join(household, "李娜", "spouse", "1987-09-03", "2024-01-01");
        var child = await Api.Join(household, "张子涵", "child", "2015-06-18", "2024-01-01");
        var policy = (await Api.Post($"/households/{household}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { spouse, child }.Select(p => new { personId = p, annualPremium = 1000m }),
        })).Id("policyId");
        await Api.Post($"/households/{household}/policies/{policy}/premiums", new { amount = 2000m, paidOn = "2025-01-01" });
        var claim = await Api.Post($"/households/{household}/claims", new { policyId = policy, personId = spouse, lossDate = "2025-03-01", cause = "illness", amount = 12000m });

        var answer = await Fixture.Client.GetAsync($"/households/{household}/fhir");

        Assert.Equal("application/fhir+json", answer.Content.Headers.ContentType?.MediaType);
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(await answer.Content.ReadAsStringAsync());
        var resources = bundle.Entry.Select(e => e.Resource).ToList();
        Assert.Equal(3, resources.OfType<Patient>().Count());
        Assert.Contains(resources.OfType<Patient>(), p => p.Name[0].Text == "张伟");
        var group = Assert.Single(resources.OfType<Group>());
        Assert.Equal(3, group.Member.Count);
        // The holder pays but is not insured: a RelatedPerson, the policyholder of every Coverage.
        var related = Assert.Single(resources.OfType<RelatedPerson>());
        var coverages = resources.OfType<Coverage>().ToList();
        Assert.Equal(2, coverages.Count);
        Assert.All(coverages, c =>
        {
            Assert.Equal(FinancialResourceStatusCodes.Active, c.Status);
            Assert.Equal($"urn:uuid:{related.Id}", c.PolicyHolder.Reference);
            Assert.Equal($"urn:uuid:{holder}", c.Subscriber.Reference);
            Assert.Equal("2025-01-01", c.Period.Start);
            Assert.Contains(c.Class, k => k.Value == "MED-FAMILY v1");
        });
        Assert.Contains(coverages, c => c.Beneficiary.Reference == $"urn:uuid:{spouse}" && c.Relationship.Coding[0].Code == "spouse");
        var eob = Assert.Single(resources.OfType<ExplanationOfBenefit>());
        Assert.Equal(claim.Id("claimId").ToString(), eob.Id);
        var deductible = eob.Item[0].Adjudication.Single(a => a.Category.Coding[0].Code == "deductible");
        Assert.Equal(10000m, deductible.Amount.Value);
        Assert.Equal(2000m, eob.Item[0].Adjudication.Single(a => a.Category.Coding[0].Code == "benefit").Amount.Value);
        var family = eob.BenefitBalance.Single(b => b.Unit.Coding[0].Code == "family");
        var familyDeductible = family.Financial.Single(f => f.Type.Coding[0].Code == "deductible");
        Assert.Equal(10000m, ((Money)familyDeductible.Allowed).Value);
        Assert.Equal(10000m, ((Money)familyDeductible.Used).Value);
        Assert.Contains(eob.BenefitBalance, b => b.Unit.Coding[0].Code == "individual");
        Assert.Equal($"urn:uuid:", eob.Insurance[0].Coverage.Reference[..9]);
        Assert.Contains(bundle.Entry, e => e.FullUrl == eob.Insurance[0].Coverage.Reference);
        // Every resource keeps its id from one export to the next, so two exports can be compared.
        var again = new FhirJsonDeserializer().Deserialize<Bundle>(await (await Fixture.Client.GetAsync($"/households/{household}/fhir")).Content.ReadAsStringAsync());
        Assert.Equal(bundle.Entry.Select(e => e.FullUrl).Order(), again.Entry.Select(e => e.FullUrl).Order());
    }

    [Fact]
    public async Task A_beneficiary_in_force_exports_as_a_related_person_of_the_insured_with_the_share()
    {
        var (household, holder, _) = await Api.OpenHousehold("王强", "2024-01-01");
        var spouse = await Api.Join(household, "赵敏", "spouse", "1988-04-12", "2024-01-01");
        var policy = (await Api.Post($"/households/{household}/policies", new
        {
            category = "criticalIllness", productCode = "CI-CLASSIC", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 2600m } },
        })).Id("policyId");
        Assert.Equal(200, (await Api.Post($"/households/{household}/policies/{policy}/insured/{holder}/beneficiaries",
            new { beneficiaries = new[] { new { personId = spouse, share = 100m } } })).Code);

        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(await (await Fixture.Client.GetAsync($"/households/{household}/fhir")).Content.ReadAsStringAsync());

        var beneficiary = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<RelatedPerson>());
        Assert.Equal($"urn:uuid:{holder}", beneficiary.Patient.Reference);
        Assert.Equal("赵敏", beneficiary.Name[0].Text);
        Assert.Equal("beneficiary", beneficiary.Relationship[0].Coding[0].Code);
        Assert.Equal(policy.ToString(), beneficiary.Identifier[0].Value);
        Assert.Equal(100m, ((FhirDecimal)beneficiary.Extension.Single().Value).Value);
    }

    [Fact]
    public async Task An_unknown_household_has_no_bundle()
    {
        var answer = await Api.Get($"/households/{Guid.NewGuid()}/fhir");
        Assert.Equal(404, answer.Code);
        Assert.Equal("UnknownHousehold", answer.ProblemCode);
    }
}
