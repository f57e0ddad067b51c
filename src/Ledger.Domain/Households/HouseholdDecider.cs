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

    public static IReadOnlyList<object> Decide(object command, Household? state, LocalDate today) => (command, state) switch
    {
        (OpenHousehold c, null) => Decide(c, today),
        (OpenHousehold, not null) => throw new DomainRuleViolated(
            "HouseholdExists", "This household has already been opened.", ViolationKind.Conflict),
        (_, null) => throw UnknownHousehold(),
        (JoinMember c, var h) => Decide(c, h, today),
        (LeaveHousehold c, var h) => Decide(c, h, today),
        (CorrectMemberDetails c, var h) => Decide(c, h, today),
        _ => throw new ArgumentException($"No decision for {command.GetType().Name}", nameof(command)),
    };

    public static DomainRuleViolated UnknownHousehold() =>
        new("UnknownHousehold", "No such household.", ViolationKind.NotFound);

    internal static Person RequirePerson(Household h, Guid personId) =>
        h.Person(personId) ?? throw new DomainRuleViolated(
            "UnknownPerson", $"Person {personId} is not in household {h.Number}.", ViolationKind.NotFound);

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
