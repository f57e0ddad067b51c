using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using static Ledger.Domain.Tests.Policies.PolicyGiven;

namespace Ledger.Domain.Tests.Policies;

/// <summary>A person decides an application the rules referred: accepting issues the proposal, declining issues nothing.</summary>
public class DecideUnderwritingTests
{
    private static readonly LocalDate ReviewedOn = D(2024, 12, 23);
    private static readonly InsuredPerson[] WithGrandfather = [new(HolderId, HolderPremium), new(GrandfatherId, 4000m)];

    private static PolicyIssued Proposal => new(MedicalId, PolicyCategory.Medical, "MED-FAMILY", 1, HolderId, TermStart, TermEnd,
        WithGrandfather, [], MedicalConditions, TermStart);

    /// <summary>The application for the 74-year-old grandfather, referred by the rules on 2024-12-20.</summary>
    private static object[] GivenReferred => Family.Plus(GrandfatherJoined).Plus(
        new UnderwritingDecided(MedicalId, UnderwritingOutcome.Referred, true, ["陈国强 is 74 at the start"], Proposal, IssuedOn));

    private static DecideUnderwriting Decision(UnderwritingDecision decision, string reason) =>
        new DecideUnderwriting(decision, reason) { PolicyId = MedicalId };

    [Fact]
    public void GivenReferredApplication_WhenAUnderwriterAccepts_ThenTheProposalIsIssuedAndItsFirstPremiumFallsDue()
    {
        GivenReferred.Decide(Decision(UnderwritingDecision.Accept, "Medical report reviewed"), today: ReviewedOn).ThenEvents(
            new UnderwritingDecided(MedicalId, UnderwritingOutcome.Accepted, false, ["Medical report reviewed"], null, ReviewedOn),
            Proposal,
            new PremiumDue(MedicalId, 7650m, "firstTerm", TermStart));
    }

    [Fact]
    public void GivenAReferralOfClerkWang_ClerkWangMayNotDecideIt_ClerkLiMay()
    {
        var given = Family.Plus(GrandfatherJoined).Plus(
            new UnderwritingDecided(MedicalId, UnderwritingOutcome.Referred, true, ["陈国强 is 74 at the start"], Proposal, IssuedOn, "clerk.wang"));

        given.Refused(Decision(UnderwritingDecision.Accept, "mine") with { Underwriter = "clerk.wang" }, ReviewedOn).Violates("FourEyes", ViolationKind.Conflict);
        given.Refused(Decision(UnderwritingDecision.Decline, "mine") with { Underwriter = "clerk.wang" }, ReviewedOn).Violates("FourEyes", ViolationKind.Conflict);
        var decided = Assert.IsType<UnderwritingDecided>(given.Decide(Decision(UnderwritingDecision.Accept, "Medical report reviewed") with { Underwriter = "clerk.li" }, today: ReviewedOn)[0]);
        Assert.Equal((UnderwritingOutcome.Accepted, "clerk.li"), (decided.Outcome, decided.DecidedBy));
    }

    [Fact]
    public void GivenReferredApplication_WhenAccepted_ThenThePolicyExistsAndTheApplicationIsGone()
    {
        var household = GivenReferred.AndThen(Decision(UnderwritingDecision.Accept, "Medical report reviewed"), ReviewedOn).State();

        Assert.Empty(household.Referrals);
        var policy = Assert.Single(household.Policies);
        Assert.Equal(MedicalId, policy.PolicyId);
        Assert.Equal([HolderId, GrandfatherId], policy.Insured.Select(i => i.PersonId));
        Assert.Equal(PolicyStatus.Active, policy.StatusOn(TermStart));
        Assert.Equal(PolicyStatus.InGrace, policy.StatusOn(TermStart.PlusDays(1)));
    }

    [Fact]
    public void GivenReferredApplication_WhenAUnderwriterDeclines_ThenDeclinedAndNothingIssued()
    {
        GivenReferred.Decide(Decision(UnderwritingDecision.Decline, "Pre-existing condition"), today: ReviewedOn).ThenEvents(
            new UnderwritingDecided(MedicalId, UnderwritingOutcome.Declined, false, ["Pre-existing condition"], null, ReviewedOn));
    }

    [Fact]
    public void GivenReferredApplication_WhenDeclined_ThenNeitherAPolicyNorAnApplicationRemains()
    {
        var household = GivenReferred.AndThen(Decision(UnderwritingDecision.Decline, "Pre-existing condition"), ReviewedOn).State();

        Assert.Empty(household.Referrals);
        Assert.Empty(household.Policies);
        Assert.Empty(CoverageView.Of(household, ReviewedOn, null).Applications);
    }

    [Fact]
    public void GivenDeclinedApplication_WhenAcceptedAfterwards_ThenUnknownPolicy()
    {
        var declined = GivenReferred.AndThen(Decision(UnderwritingDecision.Decline, "Pre-existing condition"), ReviewedOn);

        declined.Refused(Decision(UnderwritingDecision.Accept, "Changed my mind"), ReviewedOn).Violates("UnknownPolicy", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenPolicyAcceptedByTheRules_WhenAUnderwriterDecides_ThenNotReferred()
    {
        FamilyWithPaidMedical.Refused(Decision(UnderwritingDecision.Accept, "Looks fine"), ReviewedOn)
            .Violates("NotReferred", ViolationKind.Conflict);
    }

    [Fact]
    public void GivenNoApplication_WhenAUnderwriterDecides_ThenUnknownPolicy()
    {
        Family.Refused(Decision(UnderwritingDecision.Accept, "Looks fine"), ReviewedOn).Violates("UnknownPolicy", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenInsuredLeftBeforeTheReferralWasDecided_WhenAccepted_ThenNotAMember()
    {
        var given = GivenReferred.Plus(new MemberLeft(GrandfatherId, LeaveCause.Death, D(2024, 12, 21)));

        given.Refused(Decision(UnderwritingDecision.Accept, "Medical report reviewed"), ReviewedOn).Violates("NotAMember", ViolationKind.Rule);
    }

    [Fact]
    public void GivenReferredApplication_WhenTheInsuredDies_ThenTheSameCommandClosesTheApplication()
    {
        GivenReferred.Decide(new LeaveHousehold(D(2024, 12, 21), LeaveCause.Death) { PersonId = GrandfatherId }, ReviewedOn).ThenEvents(
            new MemberLeft(GrandfatherId, LeaveCause.Death, D(2024, 12, 21)),
            new ApplicationClosed(MedicalId, GrandfatherId, "memberLeft:death", ReviewedOn));
    }

    [Fact]
    public void GivenTheApplicationClosedByADeath_ThenTheViewListsNoApplication_AndThereIsNothingToDecide()
    {
        var given = GivenReferred.AndThen(new LeaveHousehold(D(2024, 12, 21), LeaveCause.Death) { PersonId = GrandfatherId }, ReviewedOn);

        Assert.Empty(CoverageView.Of(given.State(), ReviewedOn, null).Applications);
        given.Refused(Decision(UnderwritingDecision.Accept, "Medical report reviewed"), ReviewedOn).Violates("UnknownPolicy", ViolationKind.NotFound);
    }

    [Fact]
    public void GivenReferredApplication_WhenThePolicyholderMovesOut_ThenItIsClosed_ButNotWhenSomeoneItDoesNotNameLeaves()
    {
        var holderLeaves = GivenReferred.Decide(new LeaveHousehold(D(2024, 12, 22), LeaveCause.Moved) { PersonId = HolderId }, ReviewedOn);
        var spouseLeaves = GivenReferred.Decide(new LeaveHousehold(D(2024, 12, 22), LeaveCause.Divorce) { PersonId = SpouseId }, ReviewedOn);

        Assert.Equal(new ApplicationClosed(MedicalId, HolderId, "memberLeft:moved", ReviewedOn), Assert.Single(holderLeaves.OfType<ApplicationClosed>()));
        Assert.Empty(spouseLeaves.OfType<ApplicationClosed>());
    }

    [Fact]
    public void GivenReferredApplication_WhenTheDecisionHasNoReason_ThenValidationFails()
    {
        Assert.Equal(["reason"], Decision(UnderwritingDecision.Accept, " ").ErrorFields());
        GivenReferred.Refused(Decision(UnderwritingDecision.Accept, ""), ReviewedOn).Violates("ValidationFailed", ViolationKind.Rule);
    }
}
