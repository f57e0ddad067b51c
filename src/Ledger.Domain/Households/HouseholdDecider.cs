using NodaTime;

namespace Ledger.Domain.Households;

/// <summary>A command on an existing household that knows which rules decide it.</summary>
public interface IHouseholdCommand
{
    /// <summary>The command's own rules: <c>(state, today) → events</c>, pure.</summary>
    IReadOnlyList<object> Decide(Household state, LocalDate today);

    /// <summary>False for a command that only records what time made due: it changes no fact a claim was judged on.</summary>
    bool Readjudicates => true;

    /// <summary>The people this command brings into the household (a join's new member), known before it is decided.</summary>
    IReadOnlyList<Guid> Newcomers => [];
}

/// <summary>
/// Pure decisions: <c>(command, state, today) → events</c>, or a <see cref="DomainRuleViolated"/>.
/// No I/O and no clock: <c>today</c> is passed in. A command that would change nothing returns no events.
/// Each operation's rules sit in the file of its command.
/// </summary>
public static partial class HouseholdDecider
{
    /// <summary>How far ahead an effective date may be scheduled.</summary>
    public static readonly Period MaxLeadTime = Period.FromDays(366);

    /// <summary>
    /// Decides a command on an existing household: shape first, then the command's own rules, then every claim judged
    /// again against the new facts. Each command names its rules itself (<see cref="IHouseholdCommand"/>), so no
    /// dispatcher sits between a command and its decision.
    /// </summary>
    public static IReadOnlyList<object> Decide(IHouseholdCommand command, Household state, LocalDate today)
    {
        // The HTTP edge validates first; this keeps every other caller (CLI, demo data, tests) to the same shape rules.
        RequireValid(command);
        var events = command.Decide(state, today);
        if (events.Count == 0 || !command.Readjudicates) return events;
        // A fact may change cover on a past loss date, or free or use up a deductible: judge every claim again
        // against the new facts, in the same command, and record what changed.
        var after = events.Aggregate((Household?)state, Household.Next)!;
        var readjudicated = Claims.ClaimEngine.Readjudicate(after, today);
        return readjudicated.Count == 0 ? events : [.. events, .. readjudicated];
    }

    /// <summary>Opens a household: the one command without a household before it.</summary>
    public static IReadOnlyList<object> Decide(OpenHousehold command, LocalDate today)
    {
        RequireValid(command);
        return Open(command, today);
    }

    /// <summary>For a caller holding a command of any kind (the demo story, tests): a household opens once, and every other command needs one.</summary>
    public static IReadOnlyList<object> Decide(object command, Household? state, LocalDate today) => (command, state) switch
    {
        (OpenHousehold c, null) => Decide(c, today),
        (OpenHousehold, not null) => throw new DomainRuleViolated(
            "HouseholdExists", "This household has already been opened.", ViolationKind.Conflict),
        (IHouseholdCommand, null) => throw UnknownHousehold(),
        (IHouseholdCommand c, { } h) => Decide(c, h, today),
        _ => throw new ArgumentException($"{command.GetType().Name} is not a household command.", nameof(command)),
    };

    private static void RequireValid(object command)
    {
        if (command is IValidatable validatable && validatable.Validate().FirstOrDefault() is { } error)
            throw new DomainRuleViolated("ValidationFailed", $"{error.Field}: {error.Message}");
    }

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
