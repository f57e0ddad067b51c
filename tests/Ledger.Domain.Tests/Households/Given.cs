using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Domain.Tests.Households;

/// <summary>
/// The household every specification starts from, and the "given events, when command, then ..." helpers.
/// The Zhang household: holder 张伟 opened it on 2024-01-01; "today" is 2025-06-15 unless a test says otherwise.
/// </summary>
internal static class Given
{
    public static readonly LocalDate Today = new(2025, 6, 15);

    public static readonly Guid HouseholdId = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    public const string HouseholdNumber = "HH00000042";
    public static readonly LocalDate OpenedOn = new(2024, 1, 1);

    public static readonly Guid HolderId = Guid.Parse("00000000-0000-0000-0000-000000000001");
    public const string HolderName = "张伟";
    public static readonly LocalDate HolderBorn = new(1980, 5, 20);
    public const string HolderIdNumber = "110101198005200011";

    public static readonly Guid SpouseId = Guid.Parse("00000000-0000-0000-0000-000000000002");
    public const string SpouseName = "李娜";
    public static readonly LocalDate SpouseBorn = new(1982, 3, 10);
    public const string SpouseIdNumber = "110101198203100022";
    public static readonly LocalDate SpouseJoined = new(2024, 2, 1);

    public static readonly Guid ChildId = Guid.Parse("00000000-0000-0000-0000-000000000003");
    public const string ChildName = "张子墨";
    public static readonly LocalDate ChildBorn = new(2024, 3, 20);

    public static readonly Guid NewcomerId = Guid.Parse("00000000-0000-0000-0000-000000000009");
    public static readonly Guid StrangerId = Guid.Parse("00000000-0000-0000-0000-0000000000ff");

    public static HouseholdOpened Opened => new(HouseholdId, HouseholdNumber, HolderId, OpenedOn);

    public static MemberJoined HolderJoined =>
        new(HolderId, HolderName, HolderBorn, Relationship.Self, HolderIdNumber, OpenedOn);

    public static MemberJoined SpouseJoinedEvent =>
        new(SpouseId, SpouseName, SpouseBorn, Relationship.Spouse, SpouseIdNumber, SpouseJoined);

    /// <summary>A newborn who joined on the day of birth, without an id number yet.</summary>
    public static MemberJoined ChildJoined =>
        new(ChildId, ChildName, ChildBorn, Relationship.Child, null, ChildBorn);

    /// <summary>Just the opening: holder only.</summary>
    public static object[] JustOpened => [Opened, HolderJoined];

    /// <summary>Holder, spouse and newborn child, nobody has left.</summary>
    public static object[] Family => [Opened, HolderJoined, SpouseJoinedEvent, ChildJoined];

    public static object[] Plus(this object[] given, params object[] more) => [.. given, .. more];

    /// <summary>Folds <paramref name="given"/> and decides <paramref name="command"/> through the public dispatcher.</summary>
    public static IReadOnlyList<object> When(this IEnumerable<object> given, object command, LocalDate? today = null) =>
        HouseholdDecider.Decide(command, Household.Fold(given), today ?? Today);

    /// <summary>Expects <paramref name="command"/> to be refused and returns the violation for further checks.</summary>
    public static DomainRuleViolated WhenRefused(this IEnumerable<object> given, object command, LocalDate? today = null) =>
        Assert.Throws<DomainRuleViolated>(() => given.When(command, today));

    public static void Then(this IReadOnlyList<object> actual, params object[] expected) =>
        Assert.Equal(expected, actual);

    public static void ThenViolates(this DomainRuleViolated violation, string code, ViolationKind kind)
    {
        Assert.Equal(code, violation.Code);
        Assert.Equal(kind, violation.Kind);
        Assert.False(string.IsNullOrWhiteSpace(violation.Message));
    }

    public static Household State(params object[] events) =>
        Household.Fold(events) ?? throw new InvalidOperationException("The given events do not open a household.");

    public static MemberView View(this Household household, Guid personId, LocalDate on) =>
        Assert.Single(CoverageView.Of(household, on, null).Members, m => m.PersonId == personId);

    /// <summary>The fields <see cref="IValidatable.Validate"/> rejects, in order.</summary>
    public static string[] ErrorFields(this IValidatable command) => command.Validate().Select(e => e.Field).ToArray();
}
