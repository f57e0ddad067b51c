using Ledger.Api.Households;
using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using Marten;
using NodaTime;
using Wolverine;

namespace Ledger.Api.Hosting;

/// <summary>
/// On the embedded database's first run, records a few realistic households through the same command path
/// as the API, so a new user has something to look at. Never runs against a configured database.
/// </summary>
/// <remarks>
/// <see cref="Done"/> completes when seeding is over (or was not needed). Time-driven writes wait for it: a sweep
/// recorded "now" between two of the story's earlier instants would leave a stream whose recorded instants go back.
/// </remarks>
public sealed class DemoDataSeeder(
    LedgerDatabase database,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<DemoDataSeeder> logger) : BackgroundService
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Done => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await SeedAsync(stoppingToken);
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    private async Task SeedAsync(CancellationToken stoppingToken)
    {
        if (!database.IsEmbedded || configuration["Ledger:SeedDemo"] == "false") return;
        // Wolverine and Marten must be running before commands can be sent.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);

        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IDocumentStore>();
        await using (var session = store.QuerySession(Ledger.Api.Security.Tenancy.Default))
        {
            if (await session.Query<Household>().AnyAsync(stoppingToken)) return;
        }

        var demo = new DemoData(scope.ServiceProvider.GetRequiredService<IMessageBus>(), scope.ServiceProvider.GetRequiredService<IDocumentStore>(), scope.ServiceProvider.GetRequiredService<HouseholdNumbers>(),
            scope.ServiceProvider.GetRequiredService<BusinessCalendar>());
        await demo.SeedAsync(stoppingToken);
        logger.LogInformation("Seeded {Count} demo households", demo.Households.Count);
    }
}

/// <summary>
/// The demo households: families of different shapes, each with something recorded after the day it happened,
/// so a view "as known at" an earlier instant differs from the view now. The ledger went live on 2 December 2024
/// and took over the insurer's family accounts with their original dates; from then on each step is recorded at
/// the instant it was reported, and the sweep runs every Monday morning, until the end of 2025. Every instant is
/// fixed, so the demo tells the same story on any day after 2025.
/// </summary>
public sealed class DemoData(IMessageBus bus, IDocumentStore store, HouseholdNumbers numbers, BusinessCalendar calendar)
{
    /// <summary>The first Monday sweep of the story; the last one runs on <see cref="End"/>.</summary>
    private static readonly Instant FirstSweep = Instant.FromUtc(2025, 1, 6, 0, 30);

    /// <summary>The end of the story: the sweep on New Year's morning 2026 in Shanghai (still 2025 in UTC).</summary>
    public static readonly Instant End = Instant.FromUtc(2025, 12, 31, 16, 30);

    private const string TakenOver = "Account taken over when the ledger went live";

    private Instant _now = Instant.FromUtc(2024, 12, 2, 1, 0);
    private Instant _nextSweep = FirstSweep;

    public List<Guid> Households { get; } = [];

    public async Task SeedAsync(CancellationToken ct)
    {
        // The ledger goes live: four family accounts are taken over with the dates they were opened and joined.
        await AtAsync(2024, 12, 2, 2, 0, ct);
        // 张伟's family: two parents and a school child; a newborn follows in March.
        var (zhang, zhangWei) = await OpenAsync("张伟", new LocalDate(1985, 4, 12), "110101198504120011", new LocalDate(2024, 1, 1), ct);
        var spouse = await JoinAsync(zhang, new JoinMember("李娜", new LocalDate(1987, 9, 3), Relationship.Spouse, new LocalDate(2024, 1, 1), "110101198709030022"), ct, TakenOver);
        var schoolChild = await JoinAsync(zhang, new JoinMember("张子涵", new LocalDate(2015, 6, 18), Relationship.Child, new LocalDate(2024, 1, 1)), ct, TakenOver);
        // 王芳 cares for her father, whose death in June is reported in August.
        await AtAsync(2024, 12, 2, 2, 10, ct);
        var (wang, wangFang) = await OpenAsync("王芳", new LocalDate(1962, 11, 30), "310104196211300046", new LocalDate(2023, 7, 1), ct);
        var father = await JoinAsync(wang, new JoinMember("王建国", new LocalDate(1935, 5, 1), Relationship.Parent, new LocalDate(2023, 7, 1)), ct, TakenOver);
        var son = await JoinAsync(wang, new JoinMember("王磊", new LocalDate(1990, 2, 8), Relationship.Child, new LocalDate(2023, 7, 1)), ct, TakenOver);
        // Zoë Martin's household: names outside Chinese script, one of them misspelt until February.
        await AtAsync(2024, 12, 2, 2, 20, ct);
        var (martin, _) = await OpenAsync("Zoë Martin", new LocalDate(1990, 2, 14), null, new LocalDate(2024, 9, 1), ct);
        var lucas = await JoinAsync(martin, new JoinMember("Lucas Martn", new LocalDate(1988, 7, 22), Relationship.Spouse, new LocalDate(2024, 9, 1)), ct, TakenOver);
        // 陈静, her husband and their son; the divorce in January is reported in February.
        await AtAsync(2024, 12, 2, 2, 30, ct);
        var (chen, chenHolder) = await OpenAsync("陈静", new LocalDate(1983, 12, 5), "440106198312050027", new LocalDate(2022, 3, 1), ct);
        var husband = await JoinAsync(chen, new JoinMember("刘洋", new LocalDate(1981, 8, 19), Relationship.Spouse, new LocalDate(2022, 3, 1)), ct, TakenOver);
        var chenSon = await JoinAsync(chen, new JoinMember("刘思远", new LocalDate(2012, 10, 1), Relationship.Child, new LocalDate(2022, 3, 1)), ct, TakenOver);

        // Worked example 3: a critical illness policy whose 2025 premium is never paid (grace, then suspension).
        await AtAsync(2024, 12, 16, 3, 0, ct);
        var ci = await IssueAsync(wang, new IssuePolicy(PolicyCategory.CriticalIllness, "CI-CLASSIC", wangFang, new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31),
            [new(son, 2_600m)]), ct);
        // Long-term care for the father: referred to an underwriter (age 89 is outside the automatic band).
        await IssueAsync(wang, new IssuePolicy(PolicyCategory.LongTermCare, "LTC-HOME", wangFang, new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31),
            [new(father, 9_800m)]), ct);
        // Worked example 1: family medical cover for 2025.
        await AtAsync(2024, 12, 20, 3, 0, ct);
        var medical = await IssueAsync(zhang, new IssuePolicy(PolicyCategory.Medical, "MED-FAMILY", zhangWei, new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31),
            [new(zhangWei, 1_800m), new(spouse, 1_650m), new(schoolChild, 900m)], ContractReceivedOn: new LocalDate(2024, 12, 20)), ct);
        await AtAsync(2024, 12, 28, 3, 0, ct);
        await SendAsync(zhang, new PayPremium(4_350m, new LocalDate(2024, 12, 28)) { PolicyId = medical }, ct);

        // 陈静's family medical cover for 2025.
        await AtAsync(2024, 12, 29, 3, 0, ct);
        var chenMedical = await IssueAsync(chen, new IssuePolicy(PolicyCategory.Medical, "MED-FAMILY", chenHolder, new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31),
            [new(chenHolder, 1_700m), new(husband, 1_750m), new(chenSon, 900m)]), ct);
        await AtAsync(2024, 12, 30, 3, 0, ct);
        await SendAsync(chen, new PayPremium(4_350m, new LocalDate(2024, 12, 30)) { PolicyId = chenMedical }, ct);

        await AtAsync(2025, 2, 3, 3, 0, ct);
        await SendAsync(martin, new CorrectMemberDetails(Name: "Lucas Martin") { PersonId = lucas }, ct,
            reason: "Spelling corrected from passport");
        // 陈静's husband breaks a leg; his claim is paid before anyone knows he had left the household in January.
        await AtAsync(2025, 2, 7, 3, 0, ct);
        var fracture = await ClaimAsync(chen, new SubmitClaim(chenMedical, husband, new LocalDate(2025, 2, 5), LossCause.Accident, 18_000m, "骨折住院"), ct);
        await AtAsync(2025, 2, 12, 3, 0, ct);
        await SendAsync(chen, new PayClaim(new LocalDate(2025, 2, 12), fracture.Payable) { ClaimId = fracture.ClaimId }, ct);
        // Claims: worked example 2's family deductible, the newborn's waiting period, an accident, a large referral.
        await AtAsync(2025, 2, 14, 3, 0, ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, spouse, new LocalDate(2025, 2, 10), LossCause.Illness, 5_000m, "肺炎住院"), ct);
        // The divorce took effect on 15 January: re-adjudicated in the same command, the paid claim becomes a recovery.
        await AtAsync(2025, 2, 20, 3, 0, ct);
        await SendAsync(chen, new LeaveHousehold(new LocalDate(2025, 1, 15), LeaveCause.Divorce) { PersonId = husband }, ct,
            reason: "Divorce certificate received 2025-02-20");
        await AtAsync(2025, 3, 10, 3, 0, ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, schoolChild, new LocalDate(2025, 3, 5), LossCause.Illness, 5_000m, "阑尾炎手术"), ct);
        // The newborn, born on 20 March, is reported the next morning and insured from the day she was born.
        await AtAsync(Instant.FromUtc(2025, 3, 21, 2, 14, 9).PlusNanoseconds(123_000_000), ct);
        var newborn = await JoinAsync(zhang, new JoinMember("张子墨", new LocalDate(2025, 3, 20), Relationship.Child, new LocalDate(2025, 3, 20)), ct,
            reason: "出生证明已收到");
        await AtAsync(2025, 3, 21, 2, 20, ct);
        await SendAsync(zhang, new AddInsured(newborn, new LocalDate(2025, 3, 20), 1_200m) { PolicyId = medical }, ct);
        await AtAsync(2025, 3, 24, 3, 0, ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, zhangWei, new LocalDate(2025, 3, 20), LossCause.Illness, 2_000m, "门诊检查"), ct);
        await AtAsync(2025, 3, 25, 6, 0, ct);
        await SendAsync(zhang, new PayPremium(943.56m, new LocalDate(2025, 3, 25)) { PolicyId = medical }, ct);
        await AtAsync(2025, 3, 28, 3, 0, ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, newborn, new LocalDate(2025, 3, 25), LossCause.Illness, 1_200m, "新生儿黄疸"), ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, newborn, new LocalDate(2025, 3, 25), LossCause.Accident, 600m, "跌落擦伤"), ct);
        // Diagnosed while the policy was suspended for the unpaid premium: not covered.
        await AtAsync(2025, 4, 7, 3, 0, ct);
        await ClaimAsync(wang, new SubmitClaim(ci, son, new LocalDate(2025, 4, 2), LossCause.Illness, 300_000m, "甲状腺癌确诊"), ct);
        await AtAsync(2025, 4, 25, 3, 0, ct);
        var car = await IssueAsync(zhang, new IssuePolicy(PolicyCategory.Motor, "MOTOR-FAMILY", zhangWei, new LocalDate(2025, 5, 1), new LocalDate(2026, 4, 30),
            Vehicles: [new Vehicle("京AD12345", "LGXCE4CB8P0123456", NewEnergy: true, 4_200m)]), ct);
        await AtAsync(2025, 4, 28, 3, 0, ct);
        await SendAsync(zhang, new PayPremium(4_200m, new LocalDate(2025, 4, 28)) { PolicyId = car }, ct);
        await AtAsync(2025, 5, 12, 3, 0, ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, zhangWei, new LocalDate(2025, 5, 8), LossCause.Illness, 86_000m, "心脏支架手术"), ct);
        // 王建国 died on 30 June; the family brings the death certificate six weeks later.
        await AtAsync(2025, 8, 12, 3, 0, ct);
        await SendAsync(wang, new LeaveHousehold(new LocalDate(2025, 6, 30), LeaveCause.Death) { PersonId = father }, ct,
            reason: "Death certificate received 2025-08-12");

        // The sweeps of the rest of the year, and the one on New Year's morning that ends the 2025 terms.
        await AtAsync(End, ct);
        await SweepAsync(End, ct);
    }

    private Task AtAsync(int year, int month, int day, int hour, int minute, CancellationToken ct) =>
        AtAsync(Instant.FromUtc(year, month, day, hour, minute), ct);

    /// <summary>Moves the story's clock on to <paramref name="instant"/>, running the Monday sweeps due on the way.</summary>
    private async Task AtAsync(Instant instant, CancellationToken ct)
    {
        if (instant < _now) throw new InvalidOperationException($"The demo story goes back from {_now} to {instant}.");
        for (; _nextSweep <= instant; _nextSweep += Duration.FromDays(7))
            await SweepAsync(_nextSweep, ct);
        _now = instant;
    }

    /// <summary>The sweep as the scheduler runs it: for the insurer's today at <paramref name="at"/>.</summary>
    private async Task SweepAsync(Instant at, CancellationToken ct)
    {
        using (RecordingTime.At(at))
            await bus.InvokeAsync<Ledger.Api.Policies.SweepResult>(new Ledger.Api.Policies.RunSweep(calendar.Today), ct, TimeSpan.FromMinutes(1));
    }

    /// <summary>A new id that sorts with the story's time, like the ids the API hands out as it goes.</summary>
    private Guid NewId() => Guid.CreateVersion7(_now.ToDateTimeOffset());

    private async Task<(Guid Household, Guid Holder)> OpenAsync(string name, LocalDate dob, string? idNumber, LocalDate openedOn, CancellationToken ct)
    {
        var command = new OpenHousehold(new PersonDetails(name, dob, idNumber), openedOn)
        {
            HouseholdId = NewId(),
            HolderId = NewId(),
            HouseholdNumber = await numbers.NextAsync(ct),
        };
        await SendAsync(command.HouseholdId, command, ct, reason: TakenOver);
        Households.Add(command.HouseholdId);
        return (command.HouseholdId, command.HolderId);
    }

    private async Task<(Guid ClaimId, decimal Payable)> ClaimAsync(Guid household, SubmitClaim claim, CancellationToken ct)
    {
        var command = claim with { ClaimId = NewId() };
        var events = await SendAsync(household, command, ct);
        return (command.ClaimId, events.OfType<ClaimAdjudicated>().Select(a => a.Adjudication.Payable).SingleOrDefault());
    }

    private async Task<Guid> IssueAsync(Guid household, IssuePolicy application, CancellationToken ct)
    {
        var command = application with { PolicyId = NewId() };
        await SendAsync(household, command, ct);
        return command.PolicyId;
    }

    private async Task<Guid> JoinAsync(Guid household, JoinMember member, CancellationToken ct, string? reason = null)
    {
        var command = member with { PersonId = NewId() };
        await SendAsync(household, command, ct, reason);
        return command.PersonId;
    }

    /// <summary>Sends one command as the API would; answers the events it recorded.</summary>
    private async Task<IReadOnlyList<object>> SendAsync(Guid household, object command, CancellationToken ct, string? reason = null)
    {
        IReadOnlyList<object> recorded;
        var context = new WriteContext("demo-seed", reason ?? "Demo data", Guid.NewGuid().ToString("N"), $"demo:{Guid.NewGuid():N}");
        using (RecordingTime.At(_now))
        {
            await using var session = store.LightweightSession(Ledger.Api.Security.Tenancy.Default);
            recorded = (command is OpenHousehold open
                ? HouseholdWriter.Open(session, calendar, household, open, context)
                : await HouseholdWriter.DecideAsync(session, calendar, household, (IHouseholdCommand)command, context, ct)).Events;
            await session.SaveChangesAsync(ct);
        }
        // Steps recorded at one instant still get distinct, ordered recorded instants.
        _now += Duration.FromMilliseconds(10);
        return recorded;
    }
}
