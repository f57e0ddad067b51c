using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>
/// Pure decisions: <c>(command, state, today) → events</c>, or a <see cref="DomainRuleViolated"/>.
/// No I/O and no clock: <c>today</c> is passed in. A command that would change nothing returns no events.
/// Each operation's rules sit in the file of its command.
/// </summary>
public static partial class HouseholdDecider
{
    /// <summary>How far ahead an effective date may be scheduled.</summary>
    public static readonly Period MaxLeadTime = Period.FromDays(366);

    public static IReadOnlyList<object> Decide(object command, Household? state, LocalDate today)
    {
        // The HTTP edge validates first; this keeps every other caller (CLI, demo data, tests) to the same shape rules.
        if (command is IValidatable validatable && validatable.Validate().FirstOrDefault() is { } error)
            throw new DomainRuleViolated("ValidationFailed", $"{error.Field}: {error.Message}");
        var events = Dispatch(command, state, today);
        if (events.Count == 0 || command is Policies.SweepHousehold) return events;
        // A fact may change cover on a past loss date, or free or use up a deductible: judge every claim again
        // against the new facts, in the same command, and record what changed.
        var after = events.Aggregate(state, Household.Next)!;
        var readjudicated = Claims.ClaimEngine.Readjudicate(after, today);
        return readjudicated.Count == 0 ? events : [.. events, .. readjudicated];
    }

    private static IReadOnlyList<object> Dispatch(object command, Household? state, LocalDate today) => (command, state) switch
    {
        (OpenHousehold c, null) => Decide(c, today),
        (OpenHousehold, not null) => throw new DomainRuleViolated(
            "HouseholdExists", "This household has already been opened.", ViolationKind.Conflict),
        (_, null) => throw UnknownHousehold(),
        (JoinMember c, var h) => Decide(c, h, today),
        (LeaveHousehold c, var h) => Decide(c, h, today),
        (CorrectMemberDetails c, var h) => Decide(c, h, today),
        (RecordConsent c, var h) => Decide(c, h, today),
        (SplitHousehold c, var h) => Decide(c, h, today),
        (RequestErasure c, var h) => Decide(c, h, today),
        (Policies.IssuePolicy c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.DecideUnderwriting c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.AddInsured c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.RemoveInsured c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.DesignateBeneficiaries c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.AddVehicle c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.RemoveVehicle c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.PayPremium c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.WithdrawPolicy c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.CancelPolicy c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.ReinstatePolicy c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.DeclineRenewal c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.RenewPolicy c, var h) => Policies.PolicyDecider.Decide(c, h, today),
        (Policies.SweepHousehold c, var h) => Policies.PolicyDecider.Decide(c, h),
        (Claims.SubmitClaim c, var h) => Claims.ClaimDecider.Decide(c, h, today),
        (Claims.ReviewClaim c, var h) => Claims.ClaimDecider.Decide(c, h, today),
        (Claims.PayClaim c, var h) => Claims.ClaimDecider.Decide(c, h, today),
        (Claims.WithdrawClaim c, var h) => Claims.ClaimDecider.Decide(c, h, today),
        _ => throw new ArgumentException($"No decision for {command.GetType().Name}", nameof(command)),
    };

    public static DomainRuleViolated UnknownHousehold() =>
        new("UnknownHousehold", "No such household.", ViolationKind.NotFound);

    public static Person RequirePerson(Household h, Guid personId) =>
        h.Person(personId) ?? throw new DomainRuleViolated(
            "UnknownPerson", $"Person {personId} is not in household {h.Number}.", ViolationKind.NotFound);

    /// <summary>No two people with one id number may be members on the same day.</summary>
    internal static void RequireUniqueIdNumber(Household h, string? idNumber, LocalDate from, LocalDate? to, Guid except)
    {
        if (idNumber is not null && h.People.Any(p => p.PersonId != except && p.IdNumber == idNumber && p.IsMemberDuring(from, to)))
            throw new DomainRuleViolated(
                "DuplicateMember", "Another member of the household has this id number on those dates.", ViolationKind.Conflict);
    }

    /// <summary>The holder has at most one spouse in the household on any day.</summary>
    internal static void RequireSingleSpouse(Household h, LocalDate from, LocalDate? to, Guid except)
    {
        if (h.People.Any(p => p.PersonId != except && p.Relationship == Relationship.Spouse && p.IsMemberDuring(from, to)))
            throw new DomainRuleViolated(
                "SpouseAlreadyPresent", "The holder already has a spouse in this household on those dates.", ViolationKind.Conflict);
    }

    internal static void RequireNotTooFarAhead(LocalDate effectiveDate, LocalDate today)
    {
        if (effectiveDate > today + MaxLeadTime)
            throw new DomainRuleViolated(
                "EffectiveDateTooFarAhead",
                $"Effective date {effectiveDate:yyyy-MM-dd} is more than {MaxLeadTime.Days} days after today ({today:yyyy-MM-dd}).");
    }

    internal static void RequireBornBy(LocalDate dateOfBirth, LocalDate today)
    {
        if (dateOfBirth > today)
            throw new DomainRuleViolated(
                "BirthDateInFuture", $"Date of birth {dateOfBirth:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}).");
    }
}
