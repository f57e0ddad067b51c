using System.Collections.Immutable;
using NodaTime;

namespace Ledger.Domain.Policies;

/// <summary>Where a policy stands on one date.</summary>
public enum PolicyStatus
{
    /// <summary>Issued; its first term has not started.</summary>
    Pending,
    /// <summary>In force and paid up.</summary>
    Active,
    /// <summary>A premium is overdue but within the 60-day grace period: cover continues (保险法 §36).</summary>
    InGrace,
    /// <summary>Grace ended unpaid: cover is suspended (中止) until reinstatement; losses are not covered.</summary>
    Suspended,
    /// <summary>Cancelled after its last covered day.</summary>
    Cancelled,
    /// <summary>Withdrawn in the cooling-off period: void from inception, as if never in force.</summary>
    Voided,
    /// <summary>The last term ended without renewal.</summary>
    Expired,
}

/// <summary>The premium position on a date.</summary>
/// <param name="Balance">What the policyholder owes (positive) or is owed (negative) for everything due by the date.</param>
/// <param name="OverdueSince">Due date of the oldest premium still unpaid, if any.</param>
/// <param name="GraceEnds">Last day of grace for that premium.</param>
/// <param name="SuspendedFrom">First day of a suspension that has not been ended by reinstatement.</param>
/// <param name="PaidThrough">The last day the premiums paid by the date cover.</param>
public sealed record PremiumPosition(decimal Balance, LocalDate? OverdueSince, LocalDate? GraceEnds, LocalDate? SuspendedFrom, LocalDate? PaidThrough);

/// <summary>
/// Pure evaluation of a policy on a date from its facts. Every status transition that is due by the date is
/// applied here, whether or not the sweep has recorded it yet: the sweep only records what this computes.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>保险法 §36: 60 days after the due date, cover continues while a premium is unpaid.</summary>
    public const int GraceDays = 60;

    /// <summary>保险法 §37: a suspended contract may be reinstated within two years.</summary>
    public static readonly Period ReinstatementWindow = Period.FromYears(2);

    /// <summary>A renewal recorded up to this many days after the last term ended still counts as continuous.</summary>
    public const int RenewalWindowDays = GraceDays;

    /// <summary>The sweep records a renewal as due this many days before the term ends.</summary>
    public const int RenewalNoticeDays = 30;

    public static string GraceKey(LocalDate due) => $"grace:{due:yyyy-MM-dd}";
    public static string GraceEndedKey(LocalDate due) => $"graceEnded:{due:yyyy-MM-dd}";
    public static string SuspendedKey(LocalDate due) => $"suspended:{due:yyyy-MM-dd}";
    public static string ExpiredKey(LocalDate termEnd) => $"expired:{termEnd:yyyy-MM-dd}";
    public static string RenewalDueKey(LocalDate termEnd) => $"renewalDue:{termEnd:yyyy-MM-dd}";

    public static PolicyStatus StatusOn(this Policy policy, LocalDate date)
    {
        if (policy.WithdrawnOn is not null) return PolicyStatus.Voided;
        if (date < policy.FirstTerm.Start) return PolicyStatus.Pending;
        if (policy.CancelledAfter is { } last && date > last) return PolicyStatus.Cancelled;
        if (policy.TermOn(date) is null) return PolicyStatus.Expired;
        return FirstUnsettled(policy, PremiumBook.Of(policy), date) is not { } unsettled ? PolicyStatus.Active
            : unsettled.Suspended ? PolicyStatus.Suspended
            : PolicyStatus.InGrace;
    }

    /// <summary>True when the policy gives cover on the date: in force, paid or within grace.</summary>
    public static bool InForceOn(this Policy policy, LocalDate date) =>
        policy.StatusOn(date) is PolicyStatus.Active or PolicyStatus.InGrace;

    /// <summary>What is owed for the charges due by <paramref name="dueBy"/>, less payments, claim deductions and credits by <paramref name="paidBy"/>.</summary>
    public static decimal Outstanding(this Policy policy, LocalDate dueBy, LocalDate paidBy) => PremiumBook.Of(policy).Outstanding(dueBy, paidBy);

    public static PremiumPosition PremiumOn(this Policy policy, LocalDate date)
    {
        if (policy.WithdrawnOn is not null)
            return new PremiumPosition(-policy.Payments.Where(p => p.On <= date).Sum(p => p.Amount), null, null, null, null);
        var book = PremiumBook.Of(policy);
        var balance = book.Outstanding(date, date);
        if (FirstUnsettled(policy, book, date) is { } unsettled)
            return new PremiumPosition(balance, unsettled.Due, unsettled.GraceEnds, unsettled.Suspended ? unsettled.GraceEnds.PlusDays(1) : null,
                PaidThrough(policy, unsettled.Due));
        var term = policy.TermOn(date) ?? policy.Terms.LastOrDefault(t => t.Start <= date);
        return new PremiumPosition(balance, null, null, null, term?.End);
    }

    /// <summary>
    /// The oldest charge overdue on <paramref name="date"/> and not settled within its grace, with its grace's last day
    /// and whether the policy stands suspended for it; null when none is. A value, not a <see cref="PremiumPosition"/>:
    /// <see cref="StatusOn"/> asks it for every day a view's timeline can change.
    /// </summary>
    private static (LocalDate Due, LocalDate GraceEnds, bool Suspended)? FirstUnsettled(Policy policy, PremiumBook book, LocalDate date)
    {
        // A premium is overdue from the day after it falls due.
        foreach (var due in book.DueDates)
        {
            if (due >= date) break;
            var graceEnds = due.PlusDays(GraceDays);
            if (book.Outstanding(due, LocalDate.Min(date, graceEnds)) <= 0) continue;
            if (date <= graceEnds) return (due, graceEnds, false);
            if (!ReinstatedBetween(policy, graceEnds.PlusDays(1), date)) return (due, graceEnds, true);
            // Reinstatement required the arrears: later charges are judged on their own due dates.
        }
        return null;
    }

    private static bool ReinstatedBetween(Policy policy, LocalDate from, LocalDate to)
    {
        foreach (var reinstated in policy.Reinstatements)
            if (reinstated >= from && reinstated <= to) return true;
        return false;
    }

    /// <summary>
    /// The day the charge due on <paramref name="due"/> was settled inside its grace period (by payments, credits and
    /// claim deductions, oldest charges first), as known by <paramref name="by"/>; null while it is not, or if it never was.
    /// </summary>
    public static LocalDate? SettledInGrace(this Policy policy, LocalDate due, LocalDate by)
    {
        var last = LocalDate.Min(by, due.PlusDays(GraceDays));
        var book = PremiumBook.Of(policy);
        foreach (var day in book.SettlementDates)
        {
            if (day > last) break;
            if (book.Outstanding(due, day) <= 0) return day;
        }
        return null;
    }

    private static LocalDate? PaidThrough(Policy policy, LocalDate firstUnpaidDue) =>
        firstUnpaidDue <= policy.FirstTerm.Start ? null : firstUnpaidDue.PlusDays(-1);

    /// <summary>
    /// First day illness losses are covered for a person's cover, as of <paramref name="date"/>: their own waiting
    /// period from their cover start, restarted by a reinstatement (保险法 §37), not by a continuous renewal.
    /// </summary>
    public static LocalDate IllnessCoverFrom(this Policy policy, Cover cover, LocalDate date)
    {
        var from = cover.IllnessCoverFrom;
        foreach (var reinstated in policy.Reinstatements.Where(r => r >= cover.CoverFrom && r <= date))
            from = LocalDate.Max(from, reinstated.PlusDays(policy.Conditions.WaitingPeriodDays));
        return from;
    }

    /// <summary>The last day of a person's cover as known now: removal, cancellation or the end of the last term.</summary>
    public static LocalDate CoverTo(this Policy policy, Cover cover)
    {
        var end = cover.CoverTo ?? policy.LastTerm.End;
        return policy.CancelledAfter is { } cancelled && cancelled < end ? cancelled : end;
    }

    /// <summary>Whether the person is covered on the date, for illness (waiting period applies) or accident.</summary>
    public static bool Covers(this Policy policy, Guid personId, LocalDate date, bool illness)
    {
        var cover = policy.Insured.LastOrDefault(c => c.PersonId == personId && c.IsOn(date));
        return cover is not null
               && date <= policy.CoverTo(cover)
               && policy.InForceOn(date)
               && (!illness || date >= policy.IllnessCoverFrom(cover, date));
    }

    /// <summary>Annual premium × days from <paramref name="from"/> to <paramref name="to"/> (default the term's end), both inclusive, ÷ days in the term.</summary>
    public static decimal ProRata(decimal annualPremium, LocalDate from, PolicyTerm term, LocalDate? to = null)
    {
        var first = LocalDate.Max(from, term.Start);
        var last = LocalDate.Min(to ?? term.End, term.End);
        if (first > last) return 0m;
        var days = Period.DaysBetween(first, last) + 1;
        return decimal.Round(annualPremium * days / term.Days, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// The premium of a cover not yet earned after <paramref name="lastDay"/>: pro rata over the days it would still
    /// have run in its own term. Zero for days already refunded (a cover ended earlier) or never charged.
    /// </summary>
    public static decimal Unearned(this Policy policy, Cover cover, LocalDate lastDay)
    {
        var term = policy.Terms.LastOrDefault(t => t.Contains(cover.CoverFrom));
        return term is null || !cover.EverStarted ? 0m : ProRata(cover.AnnualPremium, lastDay.PlusDays(1), term, policy.CoverTo(cover));
    }
}

/// <summary>
/// A policy's charges and settlements (payments, credits, claim deductions) as running totals by date, so "what is
/// owed for charges due by D1, as paid by D2" is two binary searches instead of four passes over the lists. A view
/// asks it for every charge on every day the status can change; over a few years of monthly premiums that was most
/// of a read's CPU. Built once per policy instance and kept on it (<see cref="Policy.Book"/>) with the four lists it was
/// built from: a policy made from another by <c>with</c> copies the slot, and rebuilds the book when one of those lists
/// is not the same instance (they are immutable, so the same instance is the same entries). Kept on the policy rather
/// than in a <c>ConditionalWeakTable</c>, as it was until 2026-12-04: that table took a lock and a GC dependent handle
/// for every policy of every read (two a read, a thousand reads a second), which every collection then had to scan.
/// </summary>
internal sealed class PremiumBook
{
    private readonly ImmutableList<PremiumEntry> _charges, _payments, _credits, _deductions;
    private readonly LocalDate[] _chargeDates;
    private readonly decimal[] _chargedBy;
    private readonly LocalDate[] _settlementDates;
    private readonly decimal[] _settledBy;

    private PremiumBook(Policy policy)
    {
        (_charges, _payments, _credits, _deductions) = (policy.Charges, policy.Payments, policy.Credits, policy.Deductions);
        (_chargeDates, _chargedBy) = RunningTotals(policy.Charges);
        (_settlementDates, _settledBy) = RunningTotals(policy.Payments.Concat(policy.Credits).Concat(policy.Deductions));
        DueDates = _chargeDates.Distinct().ToArray();
        SettlementDates = _settlementDates.Distinct().ToArray();
    }

    public static PremiumBook Of(Policy policy)
    {
        // Two threads reading one policy may both build it: the same book, and either may stay.
        if (policy.Book.Built is { } book && book.IsOf(policy)) return book;
        return policy.Book.Built = new PremiumBook(policy);
    }

    private bool IsOf(Policy policy) =>
        ReferenceEquals(_charges, policy.Charges) && ReferenceEquals(_payments, policy.Payments)
        && ReferenceEquals(_credits, policy.Credits) && ReferenceEquals(_deductions, policy.Deductions);

    /// <summary>
    /// Where a policy keeps its book: equal to every other slot, so two policies with the same facts stay equal
    /// (a record compares its fields) whether or not either has built its book yet.
    /// </summary>
    internal struct Slot : IEquatable<Slot>
    {
        public PremiumBook? Built;

        public readonly bool Equals(Slot other) => true;

        public override readonly bool Equals(object? obj) => obj is Slot;

        public override readonly int GetHashCode() => 0;
    }

    /// <summary>The days charges fall due, in order, each once.</summary>
    public IReadOnlyList<LocalDate> DueDates { get; }

    /// <summary>The days anything was paid, credited or deducted, in order, each once.</summary>
    public IReadOnlyList<LocalDate> SettlementDates { get; }

    public decimal Outstanding(LocalDate dueBy, LocalDate paidBy) => UpTo(_chargeDates, _chargedBy, dueBy) - UpTo(_settlementDates, _settledBy, paidBy);

    private static (LocalDate[] Dates, decimal[] Totals) RunningTotals(IEnumerable<PremiumEntry> entries)
    {
        var ordered = entries.OrderBy(e => e.On).ToArray();
        var totals = new decimal[ordered.Length];
        var sum = 0m;
        for (var i = 0; i < ordered.Length; i++) totals[i] = sum += ordered[i].Amount;
        return (ordered.Select(e => e.On).ToArray(), totals);
    }

    /// <summary>The running total of the entries dated on or before <paramref name="day"/>.</summary>
    private static decimal UpTo(LocalDate[] dates, decimal[] totals, LocalDate day)
    {
        var (low, high) = (0, dates.Length);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (dates[middle] <= day) low = middle + 1;
            else high = middle;
        }
        return low == 0 ? 0m : totals[low - 1];
    }
}
