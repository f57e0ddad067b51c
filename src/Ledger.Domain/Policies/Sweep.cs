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
            // Once the expiry is recorded (a late sweep), a sweep for a day in the notice period records no renewal
            // due after it: what is due never falls due again, which lets NextDueOn be exact.
            if (c.Date >= end.PlusDays(-PolicyEvaluator.RenewalNoticeDays) && c.Date <= end && !recorded.Contains(PolicyEvaluator.RenewalDueKey(end))
                && !recorded.Contains(PolicyEvaluator.ExpiredKey(end)))
                events.Add(new RenewalDue(policy.PolicyId, end,
                    Guaranteed: policy.Conditions.GuaranteedRenewalUntil is { } until && end < until, end.PlusDays(-PolicyEvaluator.RenewalNoticeDays)));
            if (c.Date > end && !recorded.Contains(PolicyEvaluator.ExpiredKey(end)))
                events.Add(new PolicyExpired(policy.PolicyId, end, end.PlusDays(1)));
        }
        // Retention over for someone who asked for erasure: destroy their data (the handler deletes the key).
        events.AddRange(HouseholdDecider.ShreddingDue(h, c.Date));
        return events;
    }

    /// <summary>
    /// The first day a sweep of <paramref name="h"/> would record something, or null when none ever would; the sweep's
    /// index of due households keeps it. Exact, because a sweep for a day records something exactly from that day on
    /// (what falls due stays due until recorded) and its answer changes only on the days
    /// <see cref="SweepChangeDays"/> lists, so a binary search over those days finds the first.
    /// </summary>
    public static LocalDate? NextSweepDueOn(Household h)
    {
        var days = SweepChangeDays(h).Distinct().Order().ToList();
        if (days.Count == 0 || !Due(h, days[^1])) return null;
        int low = 0, high = days.Count - 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (Due(h, days[middle])) high = middle;
            else low = middle + 1;
        }
        return days[low];
    }

    private static bool Due(Household h, LocalDate date) => Decide(new SweepHousehold(date), h).Count > 0;

    /// <summary>The days on which one of <see cref="Decide(SweepHousehold, Household)"/>'s comparisons with the date changes.</summary>
    private static IEnumerable<LocalDate> SweepChangeDays(Household h)
    {
        foreach (var policy in h.Policies.Where(p => p.WithdrawnOn is null))
        {
            foreach (var charge in policy.Charges)
            {
                yield return charge.On;
                yield return charge.On.PlusDays(1);
                yield return charge.On.PlusDays(PolicyEvaluator.GraceDays + 1);
            }
            foreach (var settled in policy.Payments.Concat(policy.Credits).Concat(policy.Deductions))
                yield return settled.On;
            yield return policy.LastTerm.End.PlusDays(-PolicyEvaluator.RenewalNoticeDays);
            yield return policy.LastTerm.End.PlusDays(1);
        }
        if (!h.People.Any(p => p.ErasureRequestedOn is not null && !p.Shredded)) yield break;
        // Retention (Retention.RetainedUntil): it starts once every contract ended and ends 5 or 10 years later.
        foreach (var person in h.People.Where(p => p.ErasureRequestedOn is not null && !p.Shredded))
            yield return person.ErasureRequestedOn!.Value.PlusDays(1);
        foreach (var policy in h.Policies)
        {
            var ended = policy.WithdrawnOn ?? policy.CancelledAfter ?? policy.LastTerm.End;
            yield return ended.PlusDays(1);
            yield return ended.PlusYears(Retention.ShortTermYears).PlusDays(1);
            yield return ended.PlusYears(Retention.LongTermYears).PlusDays(1);
        }
    }
}
