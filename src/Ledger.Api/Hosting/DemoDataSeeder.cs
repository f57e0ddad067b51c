using Ledger.Api.Households;
using Ledger.Domain.Households;
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
        await using (var session = store.QuerySession())
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

    public async Task SeedAsync(CancellationToken ct)
    {
        // 张伟's family: two parents, a school child, a newborn added mid-year.
        var (zhang, zhangWei) = await OpenAsync("张伟", new LocalDate(1985, 4, 12), "110101198504120011", new LocalDate(2024, 1, 1), ct);
        await JoinAsync(zhang, new JoinMember("李娜", new LocalDate(1987, 9, 3), Relationship.Spouse, new LocalDate(2024, 1, 1), "110101198709030022"), ct);
        await JoinAsync(zhang, new JoinMember("张子涵", new LocalDate(2015, 6, 18), Relationship.Child, new LocalDate(2024, 1, 1)), ct);
        await JoinAsync(zhang, new JoinMember("张子墨", new LocalDate(2025, 3, 20), Relationship.Child, new LocalDate(2025, 3, 20)), ct);
        _ = zhangWei;

        // 王芳 cares for her father, whose death in June was reported in August.
        var (wang, _) = await OpenAsync("王芳", new LocalDate(1962, 11, 30), "310104196211300046", new LocalDate(2023, 7, 1), ct);
        var father = await JoinAsync(wang, new JoinMember("王建国", new LocalDate(1935, 5, 1), Relationship.Parent, new LocalDate(2023, 7, 1)), ct);
        await JoinAsync(wang, new JoinMember("王磊", new LocalDate(1990, 2, 8), Relationship.Child, new LocalDate(2023, 7, 1)), ct);
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
        return (command.HouseholdId, command.HolderId);
    }

    private async Task<Guid> JoinAsync(Guid household, JoinMember member, CancellationToken ct)
    {
        var command = member with { PersonId = Guid.CreateVersion7() };
        await SendAsync(household, command, nameof(JoinMember), ct);
        return command.PersonId;
    }

    private Task SendAsync(Guid household, object command, string operation, CancellationToken ct, string? reason = null) =>
        bus.InvokeAsync<WriteAnswer>(
            new HouseholdCommand(household, command,
                new WriteContext(operation, "demo-seed", reason ?? "Demo data", Guid.NewGuid().ToString("N"), $"demo:{Guid.NewGuid():N}", null, null, ""),
                (version, _) => new WriteAnswer(200, new VersionAnswer(version), household, version, null)),
            ct);
}
