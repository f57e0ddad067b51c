using System.Globalization;
using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;

namespace Ledger.Domain.Seeding;

/// <summary>One command of a generated story as the ledger would have recorded it: when, which operation, why, what it decided.</summary>
public sealed record SeededCommand(
    Instant RecordedAt, object Command, string Reason, string CorrelationId, string CausationId, IReadOnlyList<object> Events)
{
    /// <summary>The command's name, as the write path records it in the <c>operation</c> header.</summary>
    public string Operation => Command.GetType().Name;
}

/// <summary>A generated household: its commands in order, each already decided, and the household they leave.</summary>
/// <param name="Refusals">Commands the rules refused (left out of the story, so the stream stays valid); none is expected.</param>
public sealed record SeededFamily(Guid HouseholdId, IReadOnlyList<SeededCommand> Commands, Household State, IReadOnlyList<DomainRuleViolated> Refusals)
{
    public int EventCount => Commands.Sum(c => c.Events.Count);

    public IEnumerable<object> Events => Commands.SelectMany(c => c.Events);
}

/// <summary>
/// Realistic families for load and demonstration: a holder with a spouse, children and parents of several ages; policies of
/// every category, premiums paid on time, late (grace), never (suspension, some reinstated), renewals and expiries; claims
/// approved, rejected, referred and reviewed, paid; newborns insured, details corrected later, leaves reported late.
/// Every command goes through <see cref="HouseholdDecider.Decide(object, Household?, LocalDate)"/> on the state the commands
/// before it left, on the business date it is recorded, so each stream is one the API could have recorded. The sweep runs
/// on the days a transition falls due, as the scheduled sweep would. Household <c>k</c> of a seed is the same whatever
/// else is generated: its own <see cref="Random"/> and ids come from (tenant, seed, k) alone.
/// </summary>
public sealed class FamilyGenerator
{
    /// <summary>The earliest opening; stories run until <see cref="StoryEnd"/>, so they are the same on any day after it.</summary>
    public static readonly LocalDate FirstOpening = new(2022, 7, 1);

    public static readonly LocalDate LastOpening = new(2024, 12, 31);

    public static readonly LocalDate StoryEnd = new(2025, 5, 31);

    /// <summary>Who the domain records as applicant, reviewer and payer: different people, so four-eyes rules hold.</summary>
    public const string Clerk = "seed.clerk";
    public const string Underwriter = "seed.underwriter";
    public const string Reviewer = "seed.reviewer";
    public const string Payer = "seed.payer";

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "英", "华", "玉", "子涵", "子墨", "思远", "宇", "欣", "怡", "浩然", "建国", "桂兰"];
    private static readonly string[] LatinGiven = ["Zoë", "Lucas", "Amélie", "Noah", "Sofia", "Mateo", "Léa", "Jonas"];
    private static readonly string[] LatinSurnames = ["Martin", "Dubois", "García", "Müller", "Rossi", "Novák"];
    private static readonly string[] Regions = ["110101", "310104", "440106", "510104", "330106", "320102"];
    private static readonly string[] IllnessDescriptions = ["门诊检查", "肺炎住院", "阑尾炎手术", "急性胃肠炎", "心脏支架手术", "甲状腺结节切除"];
    private static readonly string[] AccidentDescriptions = ["骨折住院", "跌落擦伤", "运动扭伤", "交通事故外伤"];
    private const string VinLetters = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

    private readonly Random _random;
    private readonly int _seed;
    private readonly int _index;
    private readonly ulong _tenantHash;
    private int _ids;
    private readonly DateTimeZone _zone;
    private readonly string _causation;
    private readonly PriorityQueue<Action, (LocalDate Date, int Order, int Sequence)> _agenda = new();
    private readonly HashSet<LocalDate> _sweeps = [];
    private readonly List<SeededCommand> _commands = [];
    private readonly List<DomainRuleViolated> _refusals = [];
    private Household? _state;
    private LocalDate _today;
    private Instant _last = Instant.MinValue;
    private int _scheduled;

    private FamilyGenerator(int seed, int index, string tenant, DateTimeZone zone)
    {
        _random = new Random(StableSeed(seed, index, tenant));
        _seed = seed;
        _index = index;
        _tenantHash = TenantHash(tenant);
        _zone = zone;
        _causation = string.Create(CultureInfo.InvariantCulture, $"seed:{seed}:{index}");
    }

    /// <summary>Household <paramref name="index"/> of <paramref name="seed"/> in <paramref name="tenant"/>, numbered <paramref name="householdNumber"/>.</summary>
    public static SeededFamily Generate(int seed, int index, string tenant, string householdNumber, DateTimeZone zone)
    {
        var story = new FamilyGenerator(seed, index, tenant, zone);
        var householdId = story.NewId();
        story.Tell(householdId, householdNumber);
        return new SeededFamily(householdId, story._commands, story._state!, story._refusals);
    }

    /// <summary>A seed for one household's <see cref="Random"/> that does not change between runtimes (string.GetHashCode does).</summary>
    public static int StableSeed(int seed, int index, string tenant)
    {
        unchecked
        {
            // The tenant's hash, then the seed and index mixed in (SplitMix64's finaliser).
            var hash = TenantHash(tenant);
            hash ^= (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
            hash ^= (ulong)(uint)index * 0xC2B2AE3D27D4EB4FUL;
            hash ^= hash >> 31;
            hash *= 0xBF58476D1CE4E5B9UL;
            return (int)(hash ^ (hash >> 29));
        }
    }

    /// <summary>FNV-1a over the tenant's UTF-8 bytes.</summary>
    private static ulong TenantHash(string tenant)
    {
        unchecked
        {
            var hash = 14695981039346656037UL;
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(tenant)) hash = (hash ^ b) * 1099511628211UL;
            return hash;
        }
    }

    private void Tell(Guid householdId, string number)
    {
        var opened = FirstOpening.PlusDays(_random.Next(Period.DaysBetween(FirstOpening, LastOpening) + 1));
        _today = opened;
        var holderAge = _random.Next(25, 61);
        var holderBorn = opened.PlusYears(-holderAge).PlusDays(-_random.Next(365));
        var latin = _random.Next(20) == 0;
        var surname = Surname(latin);
        var holderId = NewId();
        Record(new OpenHousehold(new PersonDetails(NameOf(surname, latin), holderBorn, IdNumberOf(holderBorn)), opened)
        {
            HouseholdId = householdId,
            HolderId = holderId,
            HouseholdNumber = number,
        }, "Family account opened");

        var joinedAtOpening = "Member recorded when the account was opened";
        Guid? spouse = null;
        if (_random.Next(10) < 7)
        {
            var born = holderBorn.PlusDays(_random.Next(-5 * 365, 5 * 365));
            spouse = Join(new JoinMember(NameOf(Surname(latin), latin), LocalDate.Min(born, opened), Relationship.Spouse, opened, IdNumberOf(born)), joinedAtOpening);
        }
        var children = Weighted(25, 35, 30, 10);
        for (var i = 0; i < children && holderAge > 20; i++)
        {
            var born = opened.PlusDays(-_random.Next(Math.Min(20, holderAge - 20) * 365 + 1));
            Join(new JoinMember(NameOf(surname, latin), born, Relationship.Child, opened, _random.Next(2) == 0 ? IdNumberOf(born) : null), joinedAtOpening);
        }
        Guid? parent = null;
        if (_random.Next(5) == 0)
        {
            var born = holderBorn.PlusYears(-_random.Next(24, 35)).PlusDays(-_random.Next(365));
            parent = Join(new JoinMember(NameOf(Surname(latin), latin), born, Relationship.Parent, opened, IdNumberOf(born)), joinedAtOpening);
        }

        var firstTerm = new LocalDate(opened.Year, opened.Month, 1).PlusMonths(1 + _random.Next(3));
        if (_random.Next(100) < 85) Apply(firstTerm, PolicyCategory.Medical, "MED-FAMILY", holderId, MedicalInsured(firstTerm));
        if (_random.Next(100) < 30) Apply(firstTerm, PolicyCategory.CriticalIllness, "CI-CLASSIC", holderId, [new(holderId, Money(2_000, 4_000))]);
        if (_random.Next(100) < 15)
            Apply(firstTerm, PolicyCategory.MedicalAccident, "MA-CARE", holderId,
                [new(holderId, Money(300, 600)), .. spouse is { } s ? new[] { new InsuredPerson(s, Money(300, 600)) } : []]);
        // A parent is usually past LTC's automatic entry age: referred to an underwriter.
        if (_random.Next(100) < 15) Apply(firstTerm, PolicyCategory.LongTermCare, "LTC-HOME", holderId, [new(parent ?? holderId, Money(4_000, 10_000))]);
        if (_random.Next(100) < 15) Apply(firstTerm, PolicyCategory.DisabilityIncome, "DI-INCOME", holderId, [new(holderId, Money(1_500, 3_000))]);
        if (_random.Next(100) < 40) ApplyMotor(firstTerm.PlusMonths(_random.Next(6)), holderId, Enumerable.Range(0, _random.Next(4) == 0 ? 2 : 1).Select(_ => NewVehicle()).ToList());

        if (_random.Next(100) < 20 && spouse is not null && holderAge < 45) Newborn(opened, surname, latin);
        if (_random.Next(100) < 15) LateLeave(opened, spouse, parent);
        if (_random.Next(100) < 15) Correction(opened, latin);

        while (_agenda.TryDequeue(out var step, out var when))
        {
            if (when.Date > StoryEnd) continue;
            _today = LocalDate.Max(_today, when.Date);
            step();
        }
        // The scheduled sweep on the story's last day records what is due by then.
        _today = StoryEnd;
        Sweep();
    }

    private List<InsuredPerson> MedicalInsured(LocalDate termStart) =>
        _state!.MembersOn(termStart).Where(p => p.AgeOn(termStart) <= 65).Take(6)
            .Select(p => new InsuredPerson(p.PersonId, p.AgeOn(termStart) switch
            {
                < 18 => Money(600, 1_000),
                < 50 => Money(1_200, 2_500),
                _ => Money(3_000, 5_000),
            })).ToList();

    private void Apply(LocalDate termStart, PolicyCategory category, string product, Guid holder, IReadOnlyList<InsuredPerson> insured)
    {
        if (insured.Count == 0) return;
        var applied = termStart.PlusDays(-_random.Next(10, 30));
        At(applied, () =>
        {
            var policyId = NewId();
            var events = Record(new IssuePolicy(category, product, holder, termStart, termStart.PlusYears(1).PlusDays(-1), insured)
            {
                PolicyId = policyId,
                Applicant = Clerk,
            }, "Application received");
            if (events is null) return;
            if (events.OfType<PolicyIssued>().Any())
            {
                Term(policyId, termStart);
                return;
            }
            // Referred: an underwriter decides within days, before the term starts.
            At(_today.PlusDays(_random.Next(2, 8)), () =>
            {
                var accept = _random.Next(10) < 7;
                var decided = Record(new DecideUnderwriting(accept ? UnderwritingDecision.Accept : UnderwritingDecision.Decline,
                    accept ? "Medical report satisfactory" : "Pre-existing condition outside the risk appetite") { PolicyId = policyId, Underwriter = Underwriter },
                    "Underwriting referral decided");
                if (decided?.OfType<PolicyIssued>().Any() == true) Term(policyId, termStart);
            });
        });
    }

    private void ApplyMotor(LocalDate termStart, Guid holder, IReadOnlyList<Vehicle> vehicles) =>
        At(termStart.PlusDays(-_random.Next(5, 20)), () =>
        {
            var policyId = NewId();
            var events = Record(new IssuePolicy(PolicyCategory.Motor, "MOTOR-FAMILY", holder, termStart, termStart.PlusYears(1).PlusDays(-1), Vehicles: vehicles)
            {
                PolicyId = policyId,
                Applicant = Clerk,
            }, "Motor cover requested");
            if (events?.OfType<PolicyIssued>().Any() != true) return;
            Term(policyId, termStart);
            // Motor is renewed by issuing next year's policy.
            if (_random.Next(10) < 6) ApplyMotor(termStart.PlusYears(1), holder, vehicles.Select(v => v with { AnnualPremium = v.AnnualPremium + 100m }).ToList());
        });

    /// <summary>One term of a policy: its premium paid on time, late or never; claims; the sweeps; the renewal.</summary>
    private void Term(Guid policyId, LocalDate start)
    {
        var end = start.PlusYears(1).PlusDays(-1);
        var payment = _random.Next(100);
        var lapses = payment >= 92;
        // The sweep runs on the days a transition can fall due (a scheduled sweep on any other day records nothing): the
        // grace and suspension days only matter for a premium not paid on time.
        SweepOn(end.PlusDays(-PolicyEvaluator.RenewalNoticeDays));
        SweepOn(end.PlusDays(1));
        if (payment >= 80)
        {
            SweepOn(start.PlusDays(1));
            SweepOn(start.PlusDays(PolicyEvaluator.GraceDays + 1));
        }

        if (payment < 80)
            At(LocalDate.Max(_today, start.PlusDays(-_random.Next(8))), () => PayOwed(policyId, "Premium received"));
        else if (!lapses)
            At(start.PlusDays(_random.Next(5, PolicyEvaluator.GraceDays - 2)), () => PayOwed(policyId, "Premium received in the grace period"));
        else if (_random.Next(2) == 0)
            At(start.PlusDays(_random.Next(PolicyEvaluator.GraceDays + 10, 200)), () =>
            {
                var policy = _state!.Policy(policyId)!;
                if (policy.PremiumOn(_today).SuspendedFrom is null || policy.TermOn(_today) is null) return;
                Record(new ReinstatePolicy(_today, Math.Max(policy.PremiumOn(_today).Balance, 0m)) { PolicyId = policyId }, "Arrears paid, reinstatement requested");
            });

        var category = _state!.Policy(policyId)!.Category;
        if (category is PolicyCategory.Medical or PolicyCategory.MedicalAccident or PolicyCategory.CriticalIllness)
            for (var claims = Weighted(50, 30, 15, 5); claims > 0; claims--)
                Claim(policyId, start.PlusDays(_random.Next(360)));

        if (category != PolicyCategory.Motor && !lapses)
            At(end.PlusDays(-_random.Next(3, 25)), () =>
            {
                var policy = _state!.Policy(policyId)!;
                if (policy.CancelledAfter is not null || policy.StatusOn(_today) != PolicyStatus.Active || policy.LastTerm.End != end) return;
                var premium = policy.Insured.Where(i => policy.CoverTo(i) >= end).Sum(i => i.AnnualPremium);
                if (premium <= 0) return;
                var next = end.PlusDays(1);
                if (Record(new RenewPolicy(next, next.PlusYears(1).PlusDays(-1), decimal.Round(premium * 1.04m, 2)) { PolicyId = policyId }, "Renewal accepted") is not null)
                    Term(policyId, next);
            });
    }

    private void SweepOn(LocalDate day)
    {
        if (_sweeps.Add(day)) _agenda.Enqueue(Sweep, (LocalDate.Max(day, _today), 0, _scheduled++));
    }

    private void PayOwed(Guid policyId, string reason)
    {
        var policy = _state!.Policy(policyId)!;
        var owed = policy.Charges.Sum(x => x.Amount) - policy.Credits.Sum(x => x.Amount) - policy.Payments.Sum(x => x.Amount);
        if (owed > 0) Record(new PayPremium(owed, _today) { PolicyId = policyId }, reason);
    }

    private void Claim(Guid policyId, LocalDate lossDate) =>
        At(lossDate.PlusDays(_random.Next(1, 21)), () =>
        {
            var policy = _state!.Policy(policyId)!;
            var insured = policy.Insured.Where(i => i.IsOn(lossDate)).ToList();
            if (insured.Count == 0) return;
            var person = insured[_random.Next(insured.Count)].PersonId;
            var accident = _random.Next(10) < 3;
            var amount = policy.Category == PolicyCategory.CriticalIllness ? 300_000m
                : _random.Next(100) < 85 ? Money(300, 9_000) : Money(20_000, 150_000);
            var claimId = NewId();
            if (Record(new SubmitClaim(policyId, person, lossDate, accident ? LossCause.Accident : LossCause.Illness, amount,
                    Pick(accident ? AccidentDescriptions : IllnessDescriptions)) { ClaimId = claimId, Submitter = Clerk }, "Claim form received") is null) return;
            if (ClaimOf(claimId).Outcome == ClaimOutcome.Referred)
                At(_today.PlusDays(_random.Next(5, 21)), () =>
                {
                    var claim = ClaimOf(claimId);
                    if (claim.Outcome != ClaimOutcome.Referred || claim.Review is not null) return;
                    var approve = _random.Next(4) != 0;
                    Record(new ReviewClaim(approve ? ReviewDecision.Approve : ReviewDecision.Reject,
                            approve ? "Medical records confirm the treatment" : "Treatment not medically necessary",
                            approve ? claim.Adjudication!.Eligible : null) { ClaimId = claimId, Reviewer = Reviewer },
                        "Referred claim reviewed");
                    PayLater(claimId);
                });
            else
                PayLater(claimId);
        });

    private void PayLater(Guid claimId) =>
        At(_today.PlusDays(_random.Next(3, 16)), () =>
        {
            var claim = ClaimOf(claimId);
            var unpaid = claim.Payable - claim.Paid;
            if (claim.Outcome == ClaimOutcome.Approved && !claim.Withdrawn && unpaid > 0)
                Record(new PayClaim(_today, unpaid) { ClaimId = claimId, Payer = Payer }, "Claim paid");
        });

    private Claim ClaimOf(Guid claimId) => _state!.Claims.First(c => c.ClaimId == claimId);

    /// <summary>A baby born during the story, reported days later and added to the family's medical cover.</summary>
    private void Newborn(LocalDate opened, string surname, bool latin)
    {
        var born = opened.PlusDays(60 + _random.Next(Math.Max(1, Period.DaysBetween(opened.PlusDays(60), StoryEnd) - 30)));
        At(born.PlusDays(_random.Next(1, 11)), () =>
        {
            var baby = Join(new JoinMember(NameOf(surname, latin), born, Relationship.Child, born), "Birth certificate received");
            if (baby is not { } babyId) return;
            var medical = _state!.Policies.FirstOrDefault(p => p.Category == PolicyCategory.Medical && p.TermOn(born) is not null
                && p.CancelledAfter is null && p.StatusOn(born) == PolicyStatus.Active && p.Insured.Count(i => born <= p.CoverTo(i)) < 6);
            if (medical is not null)
                Record(new AddInsured(babyId, born, Money(800, 1_200)) { PolicyId = medical.PolicyId }, "Newborn added to the family cover");
        });
    }

    /// <summary>A leave that happened weeks before anyone told the insurer: a death, a divorce, a grown child moving out.</summary>
    private void LateLeave(LocalDate opened, Guid? spouse, Guid? parent)
    {
        var happened = opened.PlusDays(180 + _random.Next(Math.Max(1, Period.DaysBetween(opened.PlusDays(180), StoryEnd) - 60)));
        At(happened.PlusDays(_random.Next(14, 61)), () =>
        {
            var members = _state!.People.Where(p => p.Relationship != Relationship.Self && p.LeftOn is null && p.JoinedOn <= happened).ToList();
            var (person, cause, reason) =
                parent is { } p && members.Any(m => m.PersonId == p) ? (p, LeaveCause.Death, "Death certificate received")
                : spouse is { } s && members.Any(m => m.PersonId == s) && _random.Next(3) == 0 ? (s, LeaveCause.Divorce, "Divorce certificate received")
                : members.FirstOrDefault(m => m.Relationship == Relationship.Child && m.AgeOn(happened) >= 18) is { } grown ? (grown.PersonId, LeaveCause.Moved, "Moved out, reported by the holder")
                : (Guid.Empty, LeaveCause.Request, "");
            if (person != Guid.Empty) Record(new LeaveHousehold(happened, cause) { PersonId = person }, reason);
        });
    }

    /// <summary>A name misspelt when the account was opened, corrected from a document months later.</summary>
    private void Correction(LocalDate opened, bool latin) =>
        At(opened.PlusDays(_random.Next(30, 400)), () =>
        {
            var people = _state!.People.Where(p => p.LeftOn is null).ToList();
            var person = people[_random.Next(people.Count)];
            Record(new CorrectMemberDetails(Name: NameOf(SurnameOf(person.Name, latin), latin)) { PersonId = person.PersonId }, "Spelling corrected from the identity card");
        });

    /// <summary>The scheduled sweep of <see cref="_today"/>.</summary>
    private void Sweep()
    {
        if (_state!.Policies.Count > 0)
            Record(new SweepHousehold(_today), string.Create(CultureInfo.InvariantCulture, $"Transitions due by {_today:yyyy-MM-dd}"), sweep: true);
    }

    private Guid? Join(JoinMember member, string reason)
    {
        var personId = NewId();
        return Record(member with { PersonId = personId }, reason) is null ? null : personId;
    }

    private void At(LocalDate date, Action step) => _agenda.Enqueue(step, (LocalDate.Max(date, _today), 1, _scheduled++));

    /// <summary>Decides one command as the ledger would on the story's today and records it at an instant of that day.</summary>
    private IReadOnlyList<object>? Record(object command, string reason, bool sweep = false)
    {
        // The sweep runs just after midnight; people record things during office hours, a few minutes apart.
        var candidate = _today.At(sweep ? new LocalTime(0, 30) : new LocalTime(9, 0).PlusMinutes(_random.Next(480))).InZoneLeniently(_zone).ToInstant();
        var recordedAt = Instant.Max(candidate, _last + Duration.FromSeconds(_random.Next(1, 600)));
        var today = recordedAt.InZone(_zone).Date;
        var correlation = NewId().ToString("N");
        IReadOnlyList<object> events;
        try
        {
            events = HouseholdDecider.Decide(command, _state, today);
        }
        catch (DomainRuleViolated refused)
        {
            _refusals.Add(refused);
            return null;
        }
        if (events.Count == 0) return events;
        _last = recordedAt;
        _state = events.Aggregate(_state, Household.Next);
        _commands.Add(new SeededCommand(recordedAt, command, reason, correlation, _causation, events));
        return events;
    }

    /// <summary>
    /// Ids made of the household's index, the seed, a count and the tenant, so no two households of a tenant and seed can
    /// share one (ids drawn from a <see cref="Random"/> seeded with 32 bits collided at 100,000 households), shaped as
    /// version 8 (custom) GUIDs.
    /// </summary>
    private Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        unchecked
        {
            BitConverter.TryWriteBytes(bytes[..4], _index);
            BitConverter.TryWriteBytes(bytes.Slice(4, 2), (ushort)_ids++);
            BitConverter.TryWriteBytes(bytes.Slice(10, 4), _seed);
            BitConverter.TryWriteBytes(bytes.Slice(14, 2), (ushort)_tenantHash);
            bytes[6] = (byte)(_tenantHash >> 16);
            bytes[7] = (byte)(0x80 | ((_tenantHash >> 24) & 0x0F));
            bytes[8] = (byte)(0x80 | ((_tenantHash >> 28) & 0x0F));
            bytes[9] = (byte)(_tenantHash >> 32);
        }
        return new Guid(bytes);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private int Weighted(params int[] weights)
    {
        var roll = _random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
            if ((roll -= weights[i]) < 0) return i;
        return weights.Length - 1;
    }

    private decimal Money(int from, int to) => _random.Next(from / 10, to / 10 + 1) * 10m;

    private string Surname(bool latin) => latin ? Pick(LatinSurnames) : Pick(Surnames);

    private static string SurnameOf(string name, bool latin) => latin ? name[(name.LastIndexOf(' ') + 1)..] : name[..1];

    private string NameOf(string surname, bool latin) => latin ? $"{Pick(LatinGiven)} {surname}" : surname + Pick(Given);

    /// <summary>An 18-character resident identity number (GB 11643): region, date of birth, sequence, ISO 7064 check.</summary>
    private string IdNumberOf(LocalDate born)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"{Pick(Regions)}{born:yyyyMMdd}{_random.Next(1000):D3}");
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    private Vehicle NewVehicle()
    {
        var plate = "京A" + new string(Enumerable.Range(0, 5).Select(_ => VinLetters[_random.Next(VinLetters.Length)]).ToArray());
        var vin = "LGX" + new string(Enumerable.Range(0, 14).Select(_ => VinLetters[_random.Next(VinLetters.Length)]).ToArray());
        return new Vehicle(plate, vin, NewEnergy: _random.Next(3) == 0, Money(3_000, 6_000));
    }
}
