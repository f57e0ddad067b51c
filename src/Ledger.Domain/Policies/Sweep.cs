using Ledger.Domain.Households;
using static Ledger.Domain.Households.HouseholdDecider;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>
/// Records the time-driven transitions due by a date (grace started, suspended, renewal due, expired) that are not
/// recorded yet. The views never wait for it: <see cref="PolicyEvaluator"/> derives every status from the facts; the
/// sweep makes the transitions visible in the history and to subscribers. Running it twice records nothing new.
/// </summary>
public sealed record SweepHousehold(LocalDate Date) : IHouseholdCommand
{
    IReadOnlyList<object> IHouseholdCommand.Decide(Household state, LocalDate today) => PolicyDecider.Decide(this, state);
    bool IHouseholdCommand.Readjudicates => false;
}

public static partial class PolicyDecider
{
    public static IReadOnlyList<object> Decide(SweepHousehold c, Household h)
    {
        var events = new List<object>();
        foreach (var policy in h.Policies.Where(p => p.WithdrawnOn is null))
        {
            var recorded = policy.RecordedTransitions;
            var lastDay = policy.CancelledAfter is { } cancelled && cancelled < c.Date ? cancelled : c.Date;
            foreach (var charge in policy.Charges.Where(x => x.On <= lastDay).OrderBy(x => x.On))
            {
                // Judge each premium as it stood the day after it fell due and the day after its grace ended.
                var dayAfterDue = charge.On.PlusDays(1);
                var graceStarted = recorded.Contains(PolicyEvaluator.GraceKey(charge.On));
                if (!graceStarted && dayAfterDue <= lastDay && policy.PremiumOn(dayAfterDue) is { OverdueSince: { } due, GraceEnds: { } graceEnds } inGrace
                    && due == charge.On)
                {
                    events.Add(new GracePeriodStarted(policy.PolicyId, due, graceEnds, inGrace.Balance, dayAfterDue));
                    graceStarted = true;
                }
                // A grace is recorded with its end: a sweep running late records both, never a grace that looks open
                // for a charge settled since.
                if (graceStarted && !recorded.Contains(PolicyEvaluator.GraceEndedKey(charge.On)) && policy.SettledInGrace(charge.On, lastDay) is { } settled)
                    events.Add(new GracePeriodEnded(policy.PolicyId, charge.On, settled));

                var suspensionDay = charge.On.PlusDays(PolicyEvaluator.GraceDays + 1);
                if (suspensionDay <= lastDay && policy.PremiumOn(suspensionDay) is { SuspendedFrom: { } from, OverdueSince: { } overdue }
                    && overdue == charge.On && from == suspensionDay && !recorded.Contains(PolicyEvaluator.SuspendedKey(overdue)))
                    events.Add(new PolicySuspended(policy.PolicyId, overdue, from));
            }
            if (policy.CancelledAfter is not null) continue;

            var end = policy.LastTerm.End;
            if (c.Date >= end.PlusDays(-PolicyEvaluator.RenewalNoticeDays) && c.Date <= end && !recorded.Contains(PolicyEvaluator.RenewalDueKey(end)))
                events.Add(new RenewalDue(policy.PolicyId, end,
                    Guaranteed: policy.Conditions.GuaranteedRenewalUntil is { } until && end < until, end.PlusDays(-PolicyEvaluator.RenewalNoticeDays)));
            if (c.Date > end && !recorded.Contains(PolicyEvaluator.ExpiredKey(end)))
                events.Add(new PolicyExpired(policy.PolicyId, end, end.PlusDays(1)));
        }
        // Retention over for someone who asked for erasure: destroy their data (the handler deletes the key).
        events.AddRange(HouseholdDecider.ShreddingDue(h, c.Date));
        return events;
    }
}
