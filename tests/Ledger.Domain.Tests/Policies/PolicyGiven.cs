using System.Collections;
using System.Globalization;
using System.Reflection;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;

namespace Ledger.Domain.Tests.Policies;

/// <summary>
/// The facts every policy specification starts from. The 陈 household was opened on 2024-01-01 by 陈明 (born 1980);
/// his wife 林娟 (1982) and their son 陈乐 (2024) are members; a daughter 陈小宝 is born and joins on 2025-03-20
/// (worked example 1). Amounts are chosen so that one day of premium is a round figure: 3,650 a year is 10 a day,
/// 1,825 a year is 5 a day in a 365-day term.
/// </summary>
internal static class PolicyGiven
{
    public static readonly LocalDate Today = new(2025, 6, 15);
    public static readonly LocalDate IssuedOn = new(2024, 12, 20);

    public static readonly Guid HouseholdId = Guid.Parse("00000000-0000-0000-0000-00000000b0b0");
    public const string HouseholdNumber = "HH00000777";
    public static readonly LocalDate OpenedOn = new(2024, 1, 1);

    public static readonly Guid HolderId = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    public static readonly Guid SpouseId = Guid.Parse("00000000-0000-0000-0000-0000000000a2");
    public static readonly Guid SonId = Guid.Parse("00000000-0000-0000-0000-0000000000a3");
    public static readonly Guid NewbornId = Guid.Parse("00000000-0000-0000-0000-0000000000a4");
    public static readonly Guid GrandfatherId = Guid.Parse("00000000-0000-0000-0000-0000000000a5");
    public static readonly Guid StrangerId = Guid.Parse("00000000-0000-0000-0000-0000000000ff");
    public static readonly Guid[] CousinIds =
    [
        Guid.Parse("00000000-0000-0000-0000-0000000000c1"),
        Guid.Parse("00000000-0000-0000-0000-0000000000c2"),
        Guid.Parse("00000000-0000-0000-0000-0000000000c3"),
        Guid.Parse("00000000-0000-0000-0000-0000000000c4"),
    ];

    public static readonly LocalDate HolderBorn = new(1980, 5, 20);
    public static readonly LocalDate SpouseBorn = new(1982, 3, 10);
    public static readonly LocalDate SonBorn = new(2024, 3, 20);
    public static readonly LocalDate NewbornBorn = new(2025, 3, 20);
    /// <summary>74 on 2025-01-01: outside MED-FAMILY's automatic 0 to 65.</summary>
    public static readonly LocalDate GrandfatherBorn = new(1950, 8, 1);

    /// <summary>The medical policy of the examples: MED-FAMILY, 2025-01-01..2025-12-31 (365 days), 30-day waiting period.</summary>
    public static readonly Guid MedicalId = Guid.Parse("00000000-0000-0000-0000-0000000000f1");
    public static readonly Guid CriticalIllnessId = Guid.Parse("00000000-0000-0000-0000-0000000000f2");
    public static readonly Guid MotorId = Guid.Parse("00000000-0000-0000-0000-0000000000f3");
    public static readonly Guid UnknownPolicyId = Guid.Parse("00000000-0000-0000-0000-0000000000fe");

    public static readonly LocalDate TermStart = new(2025, 1, 1);
    public static readonly LocalDate TermEnd = new(2025, 12, 31);
    public const decimal HolderPremium = 3650m;
    public const decimal SpousePremium = 1825m;
    public const decimal FirstPremium = HolderPremium + SpousePremium; // 5,475

    public static LocalDate D(int year, int month, int day) => new(year, month, day);

    // ---------- the household ----------

    public static MemberJoined Joined(Guid id, string name, LocalDate born, Relationship relationship, LocalDate on) =>
        new(id, name, born, relationship, null, on);

    public static object[] Family =>
    [
        new HouseholdOpened(HouseholdId, HouseholdNumber, HolderId, OpenedOn),
        Joined(HolderId, "陈明", HolderBorn, Relationship.Self, OpenedOn),
        Joined(SpouseId, "林娟", SpouseBorn, Relationship.Spouse, new LocalDate(2024, 2, 1)),
        Joined(SonId, "陈乐", SonBorn, Relationship.Child, SonBorn),
    ];

    public static MemberJoined NewbornJoined => Joined(NewbornId, "陈小宝", NewbornBorn, Relationship.Child, NewbornBorn);

    public static MemberJoined GrandfatherJoined => Joined(GrandfatherId, "陈国强", GrandfatherBorn, Relationship.Parent, OpenedOn);

    public static object[] CousinsJoined =>
        CousinIds.Select((id, i) => (object)Joined(id, $"表亲{i + 1}", new LocalDate(1990 + i, 6, 1), Relationship.Other, OpenedOn)).ToArray();

    // ---------- policies ----------

    public static PolicyConditions MedicalConditions => new(
        "CNY", WaitingPeriodDays: 30, CoolingOffDays: 15, PersonDeductible: null, FamilyDeductible: 10_000m, Coinsurance: 1m,
        PersonAnnualLimit: 2_000_000m, FamilyAnnualLimit: 4_000_000m, SumInsured: null,
        ContractReceivedOn: TermStart, GuaranteedRenewalUntil: new LocalDate(2030, 12, 31));

    public static readonly InsuredPerson[] MedicalInsured = [new(HolderId, HolderPremium), new(SpouseId, SpousePremium)];

    public static IssuePolicy IssueMedical(params InsuredPerson[] insured) =>
        new IssuePolicy(PolicyCategory.Medical, "MED-FAMILY", HolderId, TermStart, TermEnd, insured.Length == 0 ? MedicalInsured : insured)
            { PolicyId = MedicalId };

    public static PolicyIssued MedicalIssuedEvent => new(
        MedicalId, PolicyCategory.Medical, "MED-FAMILY", 1, HolderId, TermStart, TermEnd, MedicalInsured, [], MedicalConditions, TermStart);

    /// <summary>Accepted by the rules on 2024-12-20; the first premium of 5,475 falls due on 2025-01-01, unpaid.</summary>
    public static object[] MedicalIssued =>
    [
        new UnderwritingDecided(MedicalId, UnderwritingOutcome.Accepted, true, [], null, IssuedOn),
        MedicalIssuedEvent,
        new PremiumDue(MedicalId, FirstPremium, "firstTerm", TermStart),
    ];

    public static PremiumPaid Paid(Guid policyId, decimal amount, LocalDate on, LocalDate? due = null) => new(policyId, amount, due, on);

    /// <summary>The family with the medical policy issued and its first premium paid on its due date.</summary>
    public static object[] FamilyWithPaidMedical => Family.Plus(MedicalIssued).Plus(Paid(MedicalId, FirstPremium, TermStart, TermStart));

    /// <summary>The family with the medical policy issued and its first premium never paid (worked example 3).</summary>
    public static object[] FamilyWithUnpaidMedical => Family.Plus(MedicalIssued);

    public static PolicyConditions CriticalIllnessConditions => new(
        "CNY", WaitingPeriodDays: 90, CoolingOffDays: 15, PersonDeductible: null, FamilyDeductible: null, Coinsurance: 1m,
        PersonAnnualLimit: null, FamilyAnnualLimit: null, SumInsured: 300_000m, ContractReceivedOn: TermStart, GuaranteedRenewalUntil: null);

    /// <summary>CI-CLASSIC for the holder (1,460 a year) and the spouse (730), paid on 2025-01-01.</summary>
    public static object[] CriticalIllnessPaid =>
    [
        new UnderwritingDecided(CriticalIllnessId, UnderwritingOutcome.Accepted, true, [], null, IssuedOn),
        new PolicyIssued(CriticalIllnessId, PolicyCategory.CriticalIllness, "CI-CLASSIC", 1, HolderId, TermStart, TermEnd,
            [new(HolderId, 1460m), new(SpouseId, 730m)], [], CriticalIllnessConditions, TermStart),
        new PremiumDue(CriticalIllnessId, 2190m, "firstTerm", TermStart),
        Paid(CriticalIllnessId, 2190m, TermStart, TermStart),
    ];

    public static readonly Vehicle Sedan = new("京A12345", "LSVAA4182E2184848", false, 3650m);
    public static readonly Vehicle Ev = new("京AD67890", "LGXCE6CB0M0123456", true, 3650m);

    public static PolicyConditions MotorConditions => new(
        "CNY", WaitingPeriodDays: 0, CoolingOffDays: 0, PersonDeductible: null, FamilyDeductible: 1_000m, Coinsurance: 1m,
        PersonAnnualLimit: null, FamilyAnnualLimit: 1_000_000m, SumInsured: null, ContractReceivedOn: TermStart, GuaranteedRenewalUntil: null);

    /// <summary>MOTOR-FAMILY for 2025 with the given vehicles, held by the holder, first premium paid on 2025-01-01.</summary>
    public static object[] MotorPaid(params Vehicle[] vehicles) =>
    [
        new UnderwritingDecided(MotorId, UnderwritingOutcome.Accepted, true, [], null, IssuedOn),
        new PolicyIssued(MotorId, PolicyCategory.Motor, "MOTOR-FAMILY", 1, HolderId, TermStart, TermEnd, [], vehicles, MotorConditions, TermStart),
        new PremiumDue(MotorId, vehicles.Sum(v => v.AnnualPremium), "firstTerm", TermStart),
        Paid(MotorId, vehicles.Sum(v => v.AnnualPremium), TermStart, TermStart),
    ];

    // ---------- given / when / then ----------

    public static object[] Plus(this object[] given, params object[] more) => [.. given, .. more];

    public static object[] Plus(this object[] given, IEnumerable<object> more) => [.. given, .. more];

    /// <summary>Folds the history and decides the command through the public dispatcher.</summary>
    public static IReadOnlyList<object> Decide(this IEnumerable<object> given, object command, LocalDate? today = null) =>
        HouseholdDecider.Decide(command, Household.Fold(given), today ?? Today);

    /// <summary>The history with the decided events appended: "given ..., and then the command happened".</summary>
    public static object[] AndThen(this object[] given, object command, LocalDate? today = null) => given.Plus(given.Decide(command, today));

    public static DomainRuleViolated Refused(this IEnumerable<object> given, object command, LocalDate? today = null) =>
        Assert.Throws<DomainRuleViolated>(() => given.Decide(command, today));

    public static void Violates(this DomainRuleViolated violation, string code, ViolationKind kind)
    {
        Assert.Equal(code, violation.Code);
        Assert.Equal(kind, violation.Kind);
        Assert.False(string.IsNullOrWhiteSpace(violation.Message));
    }

    public static Household State(this IEnumerable<object> events) =>
        Household.Fold(events) ?? throw new InvalidOperationException("The given events do not open a household.");

    public static Policy PolicyOf(this IEnumerable<object> events, Guid policyId) =>
        events.State().Policy(policyId) ?? throw new InvalidOperationException($"No policy {policyId} in the given events.");

    public static PolicyView ViewOf(this IEnumerable<object> events, Guid policyId, LocalDate on) =>
        Assert.Single(CoverageView.Of(events.State(), on, null).Policies, p => p.PolicyId == policyId);

    public static InsuredView CoverOf(this PolicyView view, Guid personId) => Assert.Single(view.Insured, i => i.PersonId == personId);

    /// <summary>The fields <see cref="IValidatable.Validate"/> rejects, in order.</summary>
    public static string[] ErrorFields(this IValidatable command) => command.Validate().Select(e => e.Field).ToArray();

    /// <summary>
    /// Asserts the decided events, compared field by field (lists element by element, since records compare lists
    /// by reference).
    /// </summary>
    public static void ThenEvents(this IReadOnlyList<object> actual, params object[] expected)
    {
        if (!Same(expected, actual))
            Assert.Fail($"Events differ.\nExpected:\n  {string.Join("\n  ", expected.Select(Describe))}\nActual:\n  {string.Join("\n  ", actual.Select(Describe))}");
    }

    public static void ThenNoEvents(this IReadOnlyList<object> actual) =>
        Assert.True(actual.Count == 0, $"Expected no events, got:\n  {string.Join("\n  ", actual.Select(Describe))}");

    public static bool Same(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a is string || a.GetType().IsValueType) return a.GetType() == b.GetType() && a.Equals(b);
        if (a is IEnumerable ea && b is IEnumerable eb)
        {
            var la = ea.Cast<object?>().ToList();
            var lb = eb.Cast<object?>().ToList();
            return la.Count == lb.Count && la.Zip(lb).All(p => Same(p.First, p.Second));
        }
        if (a.GetType() != b.GetType()) return false;
        return a.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .All(p => Same(p.GetValue(a), p.GetValue(b)));
    }

    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        LocalDate d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ when value.GetType().IsValueType => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Describe)) + "]",
        _ => value.GetType().Name + " { " + string.Join(", ", value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => $"{p.Name} = {Describe(p.GetValue(value))}")) + " }",
    };
}
