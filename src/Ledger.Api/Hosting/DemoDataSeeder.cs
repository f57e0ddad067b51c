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
public sealed class DemoDataSeeder(
    LedgerDatabase database,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<DemoDataSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
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

        var demo = new DemoData(scope.ServiceProvider.GetRequiredService<IMessageBus>(), scope.ServiceProvider.GetRequiredService<HouseholdNumbers>());
        await demo.SeedAsync(stoppingToken);
        logger.LogInformation("Seeded {Count} demo households", demo.Households.Count);
    }
}

/// <summary>The demo households: families of different shapes, with a late-reported death, a divorce and a correction.</summary>
public sealed class DemoData(IMessageBus bus, HouseholdNumbers numbers)
{
    public List<Guid> Households { get; } = [];

    /// <summary>Everyone recorded, holders included, in the order they were recorded.</summary>
    private List<Guid> Members { get; } = [];

    public async Task SeedAsync(CancellationToken ct)
    {
        // 张伟's family: two parents, a school child, a newborn added mid-year.
        var (zhang, zhangWei) = await OpenAsync("张伟", new LocalDate(1985, 4, 12), "110101198504120011", new LocalDate(2024, 1, 1), ct);
        await JoinAsync(zhang, new JoinMember("李娜", new LocalDate(1987, 9, 3), Relationship.Spouse, new LocalDate(2024, 1, 1), "110101198709030022"), ct);
        await JoinAsync(zhang, new JoinMember("张子涵", new LocalDate(2015, 6, 18), Relationship.Child, new LocalDate(2024, 1, 1)), ct);
        var newborn = await JoinAsync(zhang, new JoinMember("张子墨", new LocalDate(2025, 3, 20), Relationship.Child, new LocalDate(2025, 3, 20)), ct);
        var spouse = Members[^3];
        var schoolChild = Members[^2];
        // Worked example 1: family medical cover for 2025, the newborn added on the day she was born.
        var medical = await IssueAsync(zhang, new IssuePolicy(PolicyCategory.Medical, "MED-FAMILY", zhangWei, new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31),
            [new(zhangWei, 1_800m), new(spouse, 1_650m), new(schoolChild, 900m)], ContractReceivedOn: new LocalDate(2024, 12, 20)), ct);
        await SendAsync(zhang, new PayPremium(4_350m, new LocalDate(2024, 12, 28)) { PolicyId = medical }, nameof(PayPremium), ct);
        await SendAsync(zhang, new AddInsured(newborn, new LocalDate(2025, 3, 20), 1_200m) { PolicyId = medical }, nameof(AddInsured), ct);
        await SendAsync(zhang, new PayPremium(943.56m, new LocalDate(2025, 3, 25)) { PolicyId = medical }, nameof(PayPremium), ct);
        // Claims: worked example 2's family deductible, the newborn's waiting period, an accident, a large referral.
        await ClaimAsync(zhang, new SubmitClaim(medical, spouse, new LocalDate(2025, 2, 10), LossCause.Illness, 5_000m, "肺炎住院"), ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, schoolChild, new LocalDate(2025, 3, 5), LossCause.Illness, 5_000m, "阑尾炎手术"), ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, zhangWei, new LocalDate(2025, 3, 20), LossCause.Illness, 2_000m, "门诊检查"), ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, newborn, new LocalDate(2025, 3, 25), LossCause.Illness, 1_200m, "新生儿黄疸"), ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, newborn, new LocalDate(2025, 3, 25), LossCause.Accident, 600m, "跌落擦伤"), ct);
        await ClaimAsync(zhang, new SubmitClaim(medical, zhangWei, new LocalDate(2025, 5, 8), LossCause.Illness, 86_000m, "心脏支架手术"), ct);
        var car = await IssueAsync(zhang, new IssuePolicy(PolicyCategory.Motor, "MOTOR-FAMILY", zhangWei, new LocalDate(2025, 5, 1), new LocalDate(2026, 4, 30),
            Vehicles: [new Vehicle("京A·D12345".Replace("·", ""), "LGXCE4CB8P0123456", NewEnergy: true, 4_200m)]), ct);
        await SendAsync(zhang, new PayPremium(4_200m, new LocalDate(2025, 4, 28)) { PolicyId = car }, nameof(PayPremium), ct);

        // 王芳 cares for her father, whose death in June was reported in August.
        var (wang, _) = await OpenAsync("王芳", new LocalDate(1962, 11, 30), "310104196211300046", new LocalDate(2023, 7, 1), ct);
        var father = await JoinAsync(wang, new JoinMember("王建国", new LocalDate(1935, 5, 1), Relationship.Parent, new LocalDate(2023, 7, 1)), ct);
        var son = await JoinAsync(wang, new JoinMember("王磊", new LocalDate(1990, 2, 8), Relationship.Child, new LocalDate(2023, 7, 1)), ct);
        // Worked example 3: a critical illness policy whose 2025 premium was never paid (grace, then suspension).
        var wangFang = Members[^3];
        var ci = await IssueAsync(wang, new IssuePolicy(PolicyCategory.CriticalIllness, "CI-CLASSIC", wangFang, new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31),
            [new(son, 2_600m)]), ct);
        // Diagnosed while the policy was suspended for the unpaid premium: not covered.
        await ClaimAsync(wang, new SubmitClaim(ci, son, new LocalDate(2025, 4, 2), LossCause.Illness, 300_000m, "甲状腺癌确诊"), ct);
        // Long-term care for the father: referred to an underwriter (age 89 is outside the automatic band).
        await IssueAsync(wang, new IssuePolicy(PolicyCategory.LongTermCare, "LTC-HOME", wangFang, new LocalDate(2025, 1, 1), new LocalDate(2025, 12, 31),
            [new(father, 9_800m)]), ct);
        await SendAsync(wang, new LeaveHousehold(new LocalDate(2025, 6, 30), LeaveCause.Death) { PersonId = father }, "LeaveHousehold", ct,
            reason: "Death certificate received 2025-08-12");

        // Zoë Martin's household: names outside Chinese script, and a misspelt name corrected.
        var (martin, _) = await OpenAsync("Zoë Martin", new LocalDate(1990, 2, 14), null, new LocalDate(2024, 9, 1), ct);
        var lucas = await JoinAsync(martin, new JoinMember("Lucas Martn", new LocalDate(1988, 7, 22), Relationship.Spouse, new LocalDate(2024, 9, 1)), ct);
        await SendAsync(martin, new CorrectMemberDetails(Name: "Lucas Martin") { PersonId = lucas }, "CorrectMemberDetails", ct,
            reason: "Spelling corrected from passport");

        // 陈静 and her son; her husband left after the divorce.
        var (chen, _) = await OpenAsync("陈静", new LocalDate(1983, 12, 5), "440106198312050027", new LocalDate(2022, 3, 1), ct);
        var husband = await JoinAsync(chen, new JoinMember("刘洋", new LocalDate(1981, 8, 19), Relationship.Spouse, new LocalDate(2022, 3, 1)), ct);
        await JoinAsync(chen, new JoinMember("刘思远", new LocalDate(2012, 10, 1), Relationship.Child, new LocalDate(2022, 3, 1)), ct);
        await SendAsync(chen, new LeaveHousehold(new LocalDate(2025, 1, 15), LeaveCause.Divorce) { PersonId = husband }, "LeaveHousehold", ct);
    }

    private async Task<(Guid Household, Guid Holder)> OpenAsync(string name, LocalDate dob, string? idNumber, LocalDate openedOn, CancellationToken ct)
    {
        var command = new OpenHousehold(new PersonDetails(name, dob, idNumber), openedOn)
        {
            HouseholdId = Guid.CreateVersion7(),
            HolderId = Guid.CreateVersion7(),
            HouseholdNumber = await numbers.NextAsync(ct),
        };
        await SendAsync(command.HouseholdId, command, nameof(OpenHousehold), ct);
        Households.Add(command.HouseholdId);
        Members.Add(command.HolderId);
        return (command.HouseholdId, command.HolderId);
    }

    private Task ClaimAsync(Guid household, SubmitClaim claim, CancellationToken ct) =>
        SendAsync(household, claim with { ClaimId = Guid.CreateVersion7() }, nameof(SubmitClaim), ct);

    private async Task<Guid> IssueAsync(Guid household, IssuePolicy application, CancellationToken ct)
    {
        var command = application with { PolicyId = Guid.CreateVersion7() };
        await SendAsync(household, command, nameof(IssuePolicy), ct);
        return command.PolicyId;
    }

    private async Task<Guid> JoinAsync(Guid household, JoinMember member, CancellationToken ct)
    {
        var command = member with { PersonId = Guid.CreateVersion7() };
        await SendAsync(household, command, nameof(JoinMember), ct);
        Members.Add(command.PersonId);
        return command.PersonId;
    }

    private Task SendAsync(Guid household, object command, string operation, CancellationToken ct, string? reason = null) =>
        bus.InvokeForTenantAsync<WriteAnswer>(Ledger.Api.Security.Tenancy.Default,
            new HouseholdCommand(household, command,
                new WriteContext(operation, "demo-seed", reason ?? "Demo data", Guid.NewGuid().ToString("N"), $"demo:{Guid.NewGuid():N}", null, null, ""),
                (version, _) => new WriteAnswer(200, new VersionAnswer(version), household, version, null)),
            ct);
}
