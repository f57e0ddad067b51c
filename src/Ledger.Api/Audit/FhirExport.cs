using Hl7.Fhir.Serialization;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using Marten;
using NodaTime;
using R4 = Hl7.Fhir.Model;

namespace Ledger.Api.Audit;

/// <summary>
/// A household as an HL7 FHIR R4 Bundle (Firely SDK): a Patient per person, a RelatedPerson for a policyholder who is
/// not insured and for each beneficiary in force, a Group for the household, a Coverage per insured person per term, and an ExplanationOfBenefit per
/// claim with its adjudication lines and the family and individual deductible and limit balances.
/// </summary>
public static class FhirExport
{
    private const string RelationshipSystem = "http://terminology.hl7.org/CodeSystem/subscriber-relationship";
    private const string BeneficiarySystem = "urn:ledger:role";
    private const string BeneficiaryShareExtension = "urn:ledger:beneficiary-share-percent";
    private const string AdjudicationSystem = "http://terminology.hl7.org/CodeSystem/adjudication";
    private const string BenefitTypeSystem = "http://terminology.hl7.org/CodeSystem/benefit-type";
    private const string BenefitUnitSystem = "http://terminology.hl7.org/CodeSystem/benefit-unit";
    private const string BenefitTermSystem = "http://terminology.hl7.org/CodeSystem/benefit-term";
    private const string IdNumberSystem = "urn:ledger:id-number";
    private const string Insurer = "Ledger insurer";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/households/{householdId}/fhir", async (IDocumentStore store, TenantDatabases databases, BusinessCalendar calendar, string householdId, CancellationToken ct) =>
            {
                // A regulator's export: find the household in whichever database and tenant holds it, then read it in that tenant.
                Household? found = null;
                string? tenant = null;
                foreach (var database in await databases.AllAsync())
                {
                    await using var any = databases.AcrossTenants(database);
                    var number = householdId.Trim().ToUpperInvariant();
                    found = Guid.TryParse(householdId, out var id)
                        ? await any.Query<Household>().Where(h => h.AnyTenant() && h.Id == id).FirstOrDefaultAsync(ct)
                        : await any.Query<Household>().Where(h => h.AnyTenant() && h.Number == number).FirstOrDefaultAsync(ct);
                    if (found is null) continue;
                    tenant = (await any.MetadataForAsync(found, ct))?.TenantId;
                    break;
                }
                if (found is null) return Problems.UnknownHousehold();
                await using var session = store.QuerySession(tenant ?? Ledger.Api.Security.Tenancy.Default);
                var revealed = (await Ledger.Api.Privacy.PersonalDataVault.RevealAsync(session, found, ct))!;
                return Results.Text(Bundle(revealed, calendar.Today, calendar.Now).ToJson(), "application/fhir+json");
            })
            .WithName("HouseholdFhirBundle").WithTags("Audit").RequireAuthorization(Ledger.Api.Security.Access.Audit)
            .WithSummary("The household as an HL7 FHIR R4 Bundle: Patient, RelatedPerson, Group, Coverage, ExplanationOfBenefit.")
            .Produces(StatusCodes.Status200OK, contentType: "application/fhir+json")
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static R4.Bundle Bundle(Household h, LocalDate today, Instant now)
    {
        var bundle = new R4.Bundle { Id = h.Id.ToString(), Type = R4.Bundle.BundleType.Collection, Timestamp = now.ToDateTimeOffset() };
        void Add(R4.Resource resource) =>
            bundle.Entry.Add(new R4.Bundle.EntryComponent { FullUrl = $"urn:uuid:{resource.Id}", Resource = resource });
        string Ref(Guid id) => $"urn:uuid:{id}";

        foreach (var person in h.People)
        {
            var patient = new R4.Patient
            {
                Id = person.PersonId.ToString(),
                Active = !person.HasLeft,
                Name = [new R4.HumanName { Text = person.Name }],
                BirthDate = Date(person.DateOfBirth),
            };
            if (person.IdNumber is { } idNumber) patient.Identifier.Add(new R4.Identifier(IdNumberSystem, idNumber));
            if (person.LeaveCause == LeaveCause.Death && person.LeftOn is { } died) patient.Deceased = new R4.FhirDateTime(Date(died));
            Add(patient);
        }

        var group = new R4.Group
        {
            Id = StableId("group", h.Id).ToString(),
            Type = R4.Group.GroupType.Person,
            Actual = true,
            Name = h.Number,
            Identifier = [new R4.Identifier("urn:ledger:household-number", h.Number)],
        };
        foreach (var person in h.People)
            group.Member.Add(new R4.Group.MemberComponent
            {
                Entity = new R4.ResourceReference(Ref(person.PersonId)),
                Period = new R4.Period { Start = Date(person.JoinedOn), End = person.LeftOn is { } left ? Date(left) : null },
                Inactive = person.HasLeft,
            });
        Add(group);

        var relatedPersons = new HashSet<Guid>();
        foreach (var policy in h.Policies)
        {
            var holder = h.Person(policy.PolicyholderId)!;
            var holderReference = Ref(holder.PersonId);
            if (!policy.Insured.Any(i => i.PersonId == holder.PersonId))
            {
                // A policyholder this policy does not insure is a RelatedPerson of its first insured (one per person,
                // with a stable id, so two exports compare).
                holderReference = $"urn:uuid:{StableId("related", holder.PersonId)}";
                if (relatedPersons.Add(holder.PersonId))
                {
                    Add(new R4.RelatedPerson
                    {
                        Id = StableId("related", holder.PersonId).ToString(),
                        Patient = new R4.ResourceReference(Ref(policy.Insured.FirstOrDefault()?.PersonId ?? holder.PersonId)),
                        Name = [new R4.HumanName { Text = holder.Name }],
                        BirthDate = Date(holder.DateOfBirth),
                    });
                }
            }
            // Beneficiaries (受益人) in force today, while the contract runs: not a Coverage field, so a RelatedPerson of the insured person each,
            // naming the policy and carrying the share in percent.
            var contractRuns = policy.WithdrawnOn is null && policy.CancelledAfter is null && today <= policy.LastTerm.End;
            foreach (var insuredId in contractRuns ? policy.Insured.Select(i => i.PersonId).Distinct() : [])
            foreach (var share in policy.BeneficiariesOf(insuredId, today))
            {
                var beneficiary = h.Person(share.PersonId)!;
                Add(new R4.RelatedPerson
                {
                    Id = StableId($"beneficiary:{policy.PolicyId}:{insuredId}", share.PersonId).ToString(),
                    Identifier = [new R4.Identifier("urn:ledger:policy", policy.PolicyId.ToString())],
                    Patient = new R4.ResourceReference(Ref(insuredId)),
                    Relationship = [new R4.CodeableConcept(BeneficiarySystem, "beneficiary", "受益人 (paid on the insured person's death)")],
                    Name = [new R4.HumanName { Text = beneficiary.Name }],
                    BirthDate = Date(beneficiary.DateOfBirth),
                    Extension = [new R4.Extension(BeneficiaryShareExtension, new R4.FhirDecimal(share.Share))],
                });
            }
            foreach (var term in policy.Terms)
            foreach (var cover in policy.Insured.Where(c => c.EverStarted && c.CoverFrom <= term.End && policy.CoverTo(c) >= term.Start))
            {
                var person = h.Person(cover.PersonId)!;
                var status = policy.StatusOn(LocalDate.Min(today, term.End));
                Add(new R4.Coverage
                {
                    Id = CoverageId(policy.PolicyId, cover.PersonId, term.Start).ToString(),
                    Identifier = [new R4.Identifier("urn:ledger:policy", policy.PolicyId.ToString())],
                    Status = status is PolicyStatus.Voided ? R4.FinancialResourceStatusCodes.EnteredInError
                        : status is PolicyStatus.Cancelled ? R4.FinancialResourceStatusCodes.Cancelled
                        : status is PolicyStatus.Pending ? R4.FinancialResourceStatusCodes.Draft
                        : R4.FinancialResourceStatusCodes.Active,
                    PolicyHolder = new R4.ResourceReference(holderReference),
                    Subscriber = new R4.ResourceReference(Ref(h.HolderId)),
                    Beneficiary = new R4.ResourceReference(Ref(person.PersonId)),
                    Relationship = Code(RelationshipSystem, Camel(person.Relationship)),
                    Period = new R4.Period
                    {
                        Start = Date(LocalDate.Max(cover.CoverFrom, term.Start)),
                        End = Date(LocalDate.Min(policy.CoverTo(cover), term.End)),
                    },
                    Payor = [new R4.ResourceReference { Display = Insurer }],
                    Class =
                    [
                        new R4.Coverage.ClassComponent { Type = Code("http://terminology.hl7.org/CodeSystem/coverage-class", "plan"), Value = $"{policy.ProductCode} v{policy.ProductVersion}", Name = Camel(policy.Category) },
                        new R4.Coverage.ClassComponent { Type = Code("http://terminology.hl7.org/CodeSystem/coverage-class", "group"), Value = h.Number },
                    ],
                });
            }
        }

        foreach (var claim in h.Claims.Where(c => c.Adjudication is not null))
        {
            var policy = h.Policy(claim.PolicyId)!;
            var a = claim.Adjudication!;
            var currency = policy.Conditions.Currency;
            var term = a.TermStart is { } start ? policy.Terms.First(t => t.Start == start) : policy.TermOn(claim.LossDate) ?? policy.FirstTerm;
            var eob = new R4.ExplanationOfBenefit
            {
                Id = claim.ClaimId.ToString(),
                Status = claim.Withdrawn ? R4.ExplanationOfBenefit.ExplanationOfBenefitStatus.Cancelled : R4.ExplanationOfBenefit.ExplanationOfBenefitStatus.Active,
                Type = Code("http://terminology.hl7.org/CodeSystem/claim-type", policy.Category == PolicyCategory.Motor ? "institutional" : "professional"),
                Use = R4.ClaimUseCode.Claim,
                Patient = new R4.ResourceReference(Ref(claim.PersonId)),
                Created = Date(claim.ReportedOn),
                Insurer = new R4.ResourceReference { Display = Insurer },
                Provider = new R4.ResourceReference { Display = "Provider not recorded" },
                Outcome = a.Outcome == ClaimOutcome.Referred ? R4.ClaimProcessingCodes.Queued : R4.ClaimProcessingCodes.Complete,
                Disposition = a.Explanation,
                Insurance = [new R4.ExplanationOfBenefit.InsuranceComponent { Focal = true, Coverage = new R4.ResourceReference($"urn:uuid:{CoverageId(policy.PolicyId, claim.PersonId, term.Start)}") }],
                Accident = claim.Cause == LossCause.Accident ? new R4.ExplanationOfBenefit.AccidentComponent { Date = Date(claim.LossDate) } : null,
                BillablePeriod = new R4.Period { Start = Date(claim.LossDate), End = Date(claim.LossDate) },
            };
            var item = new R4.ExplanationOfBenefit.ItemComponent { Sequence = 1, ProductOrService = Code("urn:ledger:loss-cause", Camel(claim.Cause)) };
            item.Adjudication.Add(Line("submitted", claim.Amount, currency));
            item.Adjudication.Add(Line("eligible", a.Eligible, currency));
            item.Adjudication.Add(Line("deductible", a.DeductibleApplied, currency));
            item.Adjudication.Add(new R4.ExplanationOfBenefit.AdjudicationComponent { Category = Code(AdjudicationSystem, "eligpercent"), Value = a.Coinsurance * 100 });
            item.Adjudication.Add(Line("benefit", a.Outcome == ClaimOutcome.Approved ? a.Payable : 0m, currency, a.RejectionCode));
            eob.Item.Add(item);
            eob.Total.Add(new R4.ExplanationOfBenefit.TotalComponent { Category = Code(AdjudicationSystem, "submitted"), Amount = Money(claim.Amount, currency) });
            eob.Total.Add(new R4.ExplanationOfBenefit.TotalComponent { Category = Code(AdjudicationSystem, "benefit"), Amount = Money(a.Outcome == ClaimOutcome.Approved ? a.Payable : 0m, currency) });
            if (claim.Paid > 0)
                eob.Payment = new R4.ExplanationOfBenefit.PaymentComponent { Amount = Money(claim.Paid, currency) };

            var family = ClaimEngine.CountersOn(h, policy.PolicyId, term.Start, claim.PersonId, LocalDate.MaxIsoValue);
            eob.BenefitBalance.Add(Balance("family", policy.Conditions.FamilyDeductible, family.FamilyDeductibleUsed, policy.Conditions.FamilyAnnualLimit, family.FamilyBenefitUsed, currency, policy.Category));
            eob.BenefitBalance.Add(Balance("individual", policy.Conditions.PersonDeductible, family.PersonDeductibleUsed,
                policy.Category == PolicyCategory.CriticalIllness ? policy.Conditions.SumInsured : policy.Conditions.PersonAnnualLimit, family.PersonBenefitUsed, currency, policy.Category));
            Add(eob);
        }
        return bundle;
    }

    private static R4.ExplanationOfBenefit.BenefitBalanceComponent Balance(
        string unit, decimal? deductible, decimal deductibleUsed, decimal? limit, decimal limitUsed, string currency, PolicyCategory category)
    {
        var balance = new R4.ExplanationOfBenefit.BenefitBalanceComponent
        {
            Category = Code("http://terminology.hl7.org/CodeSystem/ex-benefitcategory", category == PolicyCategory.Medical ? "1" : "30"),
            Unit = Code(BenefitUnitSystem, unit),
            Term = Code(BenefitTermSystem, "annual"),
        };
        if (deductible is { } d)
            balance.Financial.Add(new R4.ExplanationOfBenefit.BenefitComponent { Type = Code(BenefitTypeSystem, "deductible"), Allowed = Money(d, currency), Used = Money(deductibleUsed, currency) });
        if (limit is { } l)
            balance.Financial.Add(new R4.ExplanationOfBenefit.BenefitComponent { Type = Code(BenefitTypeSystem, "benefit"), Allowed = Money(l, currency), Used = Money(limitUsed, currency) });
        return balance;
    }

    private static R4.ExplanationOfBenefit.AdjudicationComponent Line(string category, decimal amount, string currency, string? reason = null) => new()
    {
        Category = Code(AdjudicationSystem, category),
        Amount = Money(amount, currency),
        Reason = reason is null ? null : Code("urn:ledger:rejection-code", reason),
    };

    private static R4.Money Money(decimal amount, string currency) =>
        new() { Value = amount, Currency = Enum.TryParse<R4.Money.Currencies>(currency, out var c) ? c : R4.Money.Currencies.CNY };

    private static R4.CodeableConcept Code(string system, string code) => new(system, code);

    private static string Date(LocalDate date) => LedgerJson.Format(date);

    private static string Camel<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static Guid StableId(string kind, Guid id)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{kind}:{id}"));
        return new Guid(bytes.AsSpan(0, 16));
    }

    /// <summary>A stable id per policy, person and term, so a Coverage keeps its id across exports.</summary>
    private static Guid CoverageId(Guid policy, Guid person, LocalDate termStart)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{policy}:{person}:{termStart:yyyy-MM-dd}"));
        return new Guid(bytes.AsSpan(0, 16));
    }
}
