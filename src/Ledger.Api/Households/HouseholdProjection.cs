using JasperFx.Events;
using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using Marten.Events.Aggregation;

namespace Ledger.Api.Households;

/// <summary>
/// The inline coverage view: the household's facts, committed in the same transaction as its events.
/// The fold itself is the pure domain code, so the view, time travel and replay cannot disagree.
/// </summary>
public sealed class HouseholdProjection : SingleStreamProjection<Household, Guid>
{
    public override Household? Evolve(Household? snapshot, Guid id, IEvent e)
    {
        var next = Household.Next(snapshot, e.Data);
        return next is null ? null : next with { Version = e.Version };
    }

    /// <summary>The sweep's index of due households follows the household it was just folded into.</summary>
    public override ValueTask RaiseSideEffects(Marten.IDocumentOperations operations, IEventSlice<Household> slice) =>
        Ledger.Api.Policies.SweepIndex.Follow(operations, slice);
}

/// <summary>
/// Stored event names. They are the contract with every stream already written: a class may be renamed,
/// a stored name never. docs/events.md lists them (a test keeps the two in step).
/// </summary>
public static class EventCatalogue
{
    public static readonly IReadOnlyDictionary<Type, string> StoredNames = new Dictionary<Type, string>
    {
        [typeof(HouseholdOpened)] = "HouseholdOpened",
        [typeof(MemberJoined)] = "MemberJoined",
        [typeof(MemberLeft)] = "MemberLeft",
        [typeof(MemberDetailsCorrected)] = "MemberDetailsCorrected",
        [typeof(HouseholdSplit)] = "HouseholdSplit",
        [typeof(ConsentRecorded)] = "ConsentRecorded",
        [typeof(ConsentWithdrawn)] = "ConsentWithdrawn",
        [typeof(ErasureRequested)] = "ErasureRequested",
        [typeof(ProcessingRestricted)] = "ProcessingRestricted",
        [typeof(PersonalDataShredded)] = "PersonalDataShredded",
        [typeof(UnderwritingDecided)] = "UnderwritingDecided",
        [typeof(ApplicationClosed)] = "ApplicationClosed",
        [typeof(PolicyIssued)] = "PolicyIssued",
        [typeof(PremiumDue)] = "PremiumDue",
        [typeof(PremiumPaid)] = "PremiumPaid",
        [typeof(InsuredAdded)] = "InsuredAdded",
        [typeof(InsuredRemoved)] = "InsuredRemoved",
        [typeof(BeneficiaryDesignated)] = "BeneficiaryDesignated",
        [typeof(VehicleAdded)] = "VehicleAdded",
        [typeof(VehicleRemoved)] = "VehicleRemoved",
        [typeof(GracePeriodStarted)] = "GracePeriodStarted",
        [typeof(GracePeriodEnded)] = "GracePeriodEnded",
        [typeof(PolicySuspended)] = "PolicySuspended",
        [typeof(PolicyReinstated)] = "PolicyReinstated",
        [typeof(PolicyWithdrawnInCoolingOff)] = "PolicyWithdrawnInCoolingOff",
        [typeof(PolicyCancelled)] = "PolicyCancelled",
        [typeof(PolicyRenewed)] = "PolicyRenewed",
        [typeof(PolicyExpired)] = "PolicyExpired",
        [typeof(RenewalDue)] = "RenewalDue",
        [typeof(RenewalDeclined)] = "RenewalDeclined",
        [typeof(ClaimSubmitted)] = "ClaimSubmitted",
        [typeof(ClaimAdjudicated)] = "ClaimAdjudicated",
        [typeof(ClaimReferred)] = "ClaimReferred",
        [typeof(ClaimReviewed)] = "ClaimReviewed",
        [typeof(ClaimPaid)] = "ClaimPaid",
        [typeof(ClaimWithdrawn)] = "ClaimWithdrawn",
        [typeof(ClaimReadjudicated)] = "ClaimReadjudicated",
    };
}
