using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Domain.Policies;
using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>A member leaves the household; <see cref="EffectiveDate"/> is their last day as a member.</summary>
/// <remarks>
/// A fact that happened (a death, a divorce) is recorded even if it is reported late: the effective date
/// may be long before today. Leaving twice is refused, since the second report contradicts the first.
/// </remarks>
public sealed record LeaveHousehold(LocalDate EffectiveDate, LeaveCause Cause) : IValidatable, IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => HouseholdDecider.Decide(this, state, today);

    [JsonIgnore] public Guid PersonId { get; init; }

    public IEnumerable<FieldError> Validate() =>
        Check.Date(EffectiveDate, "effectiveDate").Concat(Check.Defined(Cause, "cause"));
}

public static partial class HouseholdDecider
{
    public static IReadOnlyList<object> Decide(LeaveHousehold c, Household h, LocalDate today)
    {
        var person = RequirePerson(h, c.PersonId);
        if (person.LeftOn is { } leftOn)
            throw new DomainRuleViolated(
                "MemberAlreadyLeft",
                $"{person.Name} already left the household on {leftOn:yyyy-MM-dd}.",
                ViolationKind.Conflict);
        RequireNotTooFarAhead(c.EffectiveDate, today);
        if (c.EffectiveDate < person.JoinedOn)
            throw new DomainRuleViolated(
                "LeaveBeforeJoin",
                $"{person.Name} joined on {person.JoinedOn:yyyy-MM-dd}; they cannot leave before that.");

        // Leaving the household ends the person's cover on every policy from the day after, with a pro-rata refund of
        // what their covers had not yet earned (a removal or cancellation already recorded for later is brought forward).
        var cause = "memberLeft:" + JsonNamingPolicy.CamelCase.ConvertName(c.Cause.ToString());
        var removals = h.Policies
            .Where(p => p.WithdrawnOn is null && (p.CancelledAfter is null || p.CancelledAfter > c.EffectiveDate))
            .Where(p => p.Insured.Any(i => i.PersonId == c.PersonId && i.EverStarted && p.CoverTo(i) > c.EffectiveDate))
            .Select(p => PolicyDecider.RemovalOf(p, c.PersonId, c.EffectiveDate, cause));
        // An application naming the person can no longer be accepted as proposed (it would insure or bill someone who
        // is gone): it is closed now rather than left waiting for a decision that must refuse it.
        var closed = h.Referrals
            .Where(r => r.Proposal is { } p && (p.PolicyholderId == c.PersonId || p.Insured.Any(i => i.PersonId == c.PersonId)))
            .Select(r => new ApplicationClosed(r.PolicyId, c.PersonId, cause, today));
        return [new MemberLeft(c.PersonId, c.Cause, c.EffectiveDate), .. removals, .. closed];
    }
}
