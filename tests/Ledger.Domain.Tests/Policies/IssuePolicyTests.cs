using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>Issuing a policy: automated underwriting accepts or refers; the product and the household fix what is allowed.</summary>
public class IssuePolicyTests
{
    private static readonly InsuredPerson Grandfather = new(GrandfatherId, 4000m);

    [Fact]
    public void GivenFamily_WhenApplyingWithinTheProductRules_ThenAcceptedAutomaticallyIssuedAndFirstPremiumDue()
    {
        Family.Decide(IssueMedical(), today: IssuedOn).ThenEvents(
            new UnderwritingDecided(MedicalId, UnderwritingOutcome.Accepted, true, [], null, IssuedOn),
            MedicalIssuedEvent,
            new PremiumDue(MedicalId, 5475m, "firstTerm", TermStart));
    }

    [Fact]
    public void GivenPolicyIssued_WhenFolded_ThenEachInsuredIsCoveredFromTheTermStartWithTheirOwnWaitingPeriod()
    {
        var policy = FamilyWithUnpaidMedical.PolicyOf(MedicalId);

        Assert.Equal([new PolicyTerm(TermStart, TermEnd, false)], policy.Terms);
        Assert.Equal(365, policy.FirstTerm.Days);
        Assert.Equal(
            [new Cover(HolderId, 3650m, TermStart, D(2025, 1, 31), null, null), new Cover(SpouseId, 1825m, TermStart, D(2025, 1, 31), null, null)],
            policy.Insured);
        Assert.Equal(D(2025, 1, 16), policy.CoolingOffEnds);
    }

    [Fact]
    public void GivenGrandfatherIs74_WhenInsuredOnMedFamilyWhichAccepts0To65_ThenReferredWithTheProposalKept()
    {
        var events = Family.Plus(GrandfatherJoined).Decide(IssueMedical(new(HolderId, HolderPremium), Grandfather), today: IssuedOn);

        var decided = Assert.IsType<UnderwritingDecided>(Assert.Single(events));
        Assert.Equal(UnderwritingOutcome.Referred, decided.Outcome);
        Assert.True(decided.Automated);
        Assert.Equal(IssuedOn, decided.EffectiveDate);
        var reason = Assert.Single(decided.Reasons);
        Assert.Contains("74", reason);
        Assert.Contains("0 to 65", reason);
        Assert.True(Same(
            new PolicyIssued(MedicalId, PolicyCategory.Medical, "MED-FAMILY", 1, HolderId, TermStart, TermEnd,
                [new(HolderId, HolderPremium), Grandfather], [], MedicalConditions, TermStart),
            decided.Proposal), Describe(decided.Proposal));
    }

    [Fact]
    public void GivenApplicationReferred_WhenFolded_ThenItWaitsAsAnApplicationAndNoPolicyExists()
    {
        var given = Family.Plus(GrandfatherJoined);
        var household = given.Plus(given.Decide(IssueMedical(new(HolderId, HolderPremium), Grandfather), today: IssuedOn)).State();

        Assert.Empty(household.Policies);
        var application = Assert.Single(CoverageView.Of(household, IssuedOn, null).Applications);
        Assert.Equal(MedicalId, application.PolicyId);
        Assert.Equal("MED-FAMILY", application.ProductCode);
        Assert.Equal(UnderwritingOutcome.Referred, application.Underwriting);
    }

    [Fact]
    public void GivenSevenMembers_WhenAllInsuredOnMedFamilyWhichTakesSix_ThenReferredForTooManyInsured()
    {
        var insured = new[] { HolderId, SpouseId, SonId }.Concat(CousinIds).Select(id => new InsuredPerson(id, 1000m)).ToArray();

        var events = Family.Plus(CousinsJoined).Decide(IssueMedical(insured), today: IssuedOn);

        var decided = Assert.IsType<UnderwritingDecided>(Assert.Single(events));
        Assert.Equal(UnderwritingOutcome.Referred, decided.Outcome);
        Assert.True(decided.Automated);
        Assert.Equal(["More than 6 insured on one MED-FAMILY policy."], decided.Reasons);
        Assert.Equal(7, decided.Proposal!.Insured.Count);
    }

    [Fact]
    public void GivenSixMembers_WhenAllInsuredOnMedFamilyWhichTakesSix_ThenAcceptedAutomatically()
    {
        var insured = new[] { HolderId, SpouseId }.Concat(CousinIds).Select(id => new InsuredPerson(id, 1000m)).ToArray();

        var events = Family.Plus(CousinsJoined).Decide(IssueMedical(insured), today: IssuedOn);

        Assert.Equal(3, events.Count);
        Assert.Equal(UnderwritingOutcome.Accepted, Assert.IsType<UnderwritingDecided>(events[0]).Outcome);
        Assert.Equal(6000m, Assert.IsType<PremiumDue>(events[2]).Amount);
    }

    [Fact]
    public void GivenSonIsNine_WhenInsuredOnLongTermCareWhichAccepts18To60_ThenReferred()
    {
        var command = new IssuePolicy(PolicyCategory.LongTermCare, "LTC-HOME", HolderId, TermStart, TermEnd, [new(SonId, 800m)])
            { PolicyId = MedicalId };

        var decided = Assert.IsType<UnderwritingDecided>(Assert.Single(Family.Decide(command, today: IssuedOn)));

        Assert.Equal(UnderwritingOutcome.Referred, decided.Outcome);
        Assert.Contains("18 to 60", Assert.Single(decided.Reasons));
    }

    [Fact]
    public void GivenSonIsABaby_WhenHeIsThePolicyholder_ThenReferredForAPolicyholderUnder18()
    {
        var command = IssueMedical(new InsuredPerson(SonId, 800m)) with { PolicyholderId = SonId };

        var decided = Assert.IsType<UnderwritingDecided>(Assert.Single(Family.Decide(command, today: IssuedOn)));

        Assert.Equal(UnderwritingOutcome.Referred, decided.Outcome);
        Assert.Contains("under 18", Assert.Single(decided.Reasons));
    }

    [Fact]
    public void GivenTermStartsNextMonth_WhenViewedBeforeIt_ThenPendingAndNobodyCovered()
    {
        var command = IssueMedical() with { TermStart = D(2025, 7, 1), TermEnd = D(2026, 6, 30) };
        var policy = Family.AndThen(command, today: Today).PolicyOf(MedicalId);

        Assert.Equal(PolicyStatus.Pending, policy.StatusOn(D(2025, 6, 30)));
        Assert.False(policy.Covers(HolderId, D(2025, 6, 30), illness: false));
        Assert.Equal(PolicyStatus.Active, policy.StatusOn(D(2025, 7, 1)));
        Assert.Equal(PolicyStatus.InGrace, policy.StatusOn(D(2025, 7, 2)));
        Assert.True(policy.Covers(HolderId, D(2025, 7, 1), illness: false));
    }

    [Fact]
    public void GivenUnknownProductCode_WhenApplying_ThenUnknownProduct()
    {
        Family.Refused(IssueMedical() with { ProductCode = "MED-GOLD" }, today: IssuedOn).Violates("UnknownProduct", ViolationKind.Rule);
    }

    [Fact]
    public void GivenMedFamilyIsMedical_WhenAppliedForAsCriticalIllness_ThenCategoryMismatch()
    {
        Family.Refused(IssueMedical() with { Category = PolicyCategory.CriticalIllness }, today: IssuedOn)
            .Violates("CategoryMismatch", ViolationKind.Rule);
    }

    [Fact]
    public void GivenTermEndsTheDayBeforeItStarts_WhenApplying_ThenTermEndsBeforeStart()
    {
        Family.Refused(IssueMedical() with { TermEnd = TermStart.PlusDays(-1) }, today: IssuedOn)
            .Violates("TermEndsBeforeStart", ViolationKind.Rule);
    }

    [Fact]
    public void GivenOneDayTerm_WhenApplying_ThenAccepted()
    {
        var policy = Family.AndThen(IssueMedical() with { TermEnd = TermStart }, today: IssuedOn).PolicyOf(MedicalId);

        Assert.Equal(new PolicyTerm(TermStart, TermStart, false), policy.FirstTerm);
        Assert.Equal(1, policy.FirstTerm.Days);
    }

    [Fact]
    public void GivenTwelveMonthProduct_WhenTermEndsOnThe366thDay_ThenTermTooLong()
    {
        Family.Refused(IssueMedical() with { TermEnd = D(2026, 1, 1) }, today: IssuedOn).Violates("TermTooLong", ViolationKind.Rule);
    }

    [Fact]
    public void GivenNewbornJoinsOnMarch20_WhenInsuredOnATermStartingJanuary1_ThenNotAMember()
    {
        Family.Plus(NewbornJoined).Refused(IssueMedical(new(HolderId, HolderPremium), new(NewbornId, 1000m)), today: Today)
            .Violates("NotAMember", ViolationKind.Rule);
    }

    [Fact]
    public void GivenSpouseLeftInDecember_WhenInsuredOnATermStartingJanuary1_ThenNotAMember()
    {
        Family.Plus(new MemberLeft(SpouseId, LeaveCause.Divorce, D(2024, 12, 31))).Refused(IssueMedical(), today: IssuedOn)
            .Violates("NotAMember", ViolationKind.Rule);
    }

    [Fact]
    public void GivenAStranger_WhenInsured_ThenUnknownPerson()
    {
        Family.Refused(IssueMedical(new(HolderId, HolderPremium), new(StrangerId, 1000m)), today: IssuedOn)
            .Violates("UnknownPerson", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenAStranger_WhenPolicyholder_ThenUnknownPerson()
    {
        Family.Refused(IssueMedical() with { PolicyholderId = StrangerId }, today: IssuedOn).Violates("UnknownPerson", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenPolicyIssued_WhenIssuedAgainWithTheSameId_ThenPolicyExists()
    {
        FamilyWithPaidMedical.Refused(IssueMedical(), today: IssuedOn).Violates("PolicyExists", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenMedicalProduct_WhenAVehicleIsListed_ThenVehiclesNotCovered()
    {
        Family.Refused(IssueMedical() with { Vehicles = [Sedan] }, today: IssuedOn).Violates("VehiclesNotCovered", ViolationKind.Rule);
    }

    [Fact]
    public void GivenToday_WhenTermStarts367DaysAhead_ThenEffectiveDateTooFarAhead()
    {
        var start = IssuedOn.PlusDays(367);
        Family.Refused(IssueMedical() with { TermStart = start, TermEnd = start.PlusDays(100) }, today: IssuedOn)
            .Violates("EffectiveDateTooFarAhead", ViolationKind.Rule);
    }
}
