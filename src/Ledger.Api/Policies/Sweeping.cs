using Ledger.Api.Hosting;
using JasperFx.CommandLine;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using NodaTime;
using Spectre.Console;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Ledger.Api.Policies;

/// <summary>Record every time-driven transition due by <see cref="Date"/> on every household with policies.</summary>
public sealed record RunSweep(LocalDate Date);

/// <summary>What a sweep recorded.</summary>
public sealed record SweepResult(LocalDate Date, int Households, int Events);

/// <summary>The recurring sweep for the interval that starts at <see cref="Slot"/>.</summary>
public sealed record ScheduledSweep(Instant Slot);

/// <summary>The next page of households due by <see cref="Date"/>, from the sweep's index, after <see cref="After"/>.</summary>
public sealed record SweepPage(LocalDate Date, SweepCursor After)
{
    /// <summary>The database whose index is paged (<see cref="TenantDatabases"/>): the sweep fans out over each.</summary>
    public string Database { get; init; } = TenantDatabases.Default;
}

/// <summary>One household's transitions due by <see cref="Date"/>, on the durable <c>sweep</c> queue.</summary>
public sealed record SweepDueHousehold(Guid HouseholdId, string Tenant, LocalDate Date);

/// <summary>A scheduled sweep's claim on its slot: whichever node inserts it first runs the slot, once per cluster.</summary>
public sealed record SweepSlot(string Id);

/// <summary>
/// The sweep on demand (tests, the demo story): each household is swept by its own <see cref="SweepHousehold"/> command,
/// in its own transaction behind the household's lock, so a sweep never races a clerk and running it twice records
/// nothing new; the answer comes when every household is done.
/// </summary>
public static class RunSweepHandler
{
    public static Task<SweepResult> Handle(RunSweep message, IDocumentStore store, BusinessCalendar calendar, ILogger<RunSweep> logger, CancellationToken ct) =>
        Sweeper.SweepAsync(store, calendar, message.Date, ct, logger);
}

/// <summary>
/// The scheduled sweep: claims its slot, starts the fan-out with the first <see cref="SweepPage"/>, schedules the next
/// slot and, once a business day, asks for the day's digest, all in one transaction through Wolverine's outbox, so
/// neither a lost message nor a second node sweeps twice or stops the chain. Wolverine keeps the scheduled message in
/// the database until it is due.
/// </summary>
public static class ScheduledSweepHandler
{
    public static async Task Handle(ScheduledSweep message, IDocumentStore store, TenantDatabases databases, Wolverine.Runtime.IWolverineRuntime runtime,
        BusinessCalendar calendar, IConfiguration configuration, CancellationToken ct)
    {
        var (session, bus) = LedgerOutbox.Open(store, runtime);
        await using var _ = session;
        var slot = SweepScheduler.SlotId(message.Slot);
        // A node that started during this slot, or a late message after an outage: the slot was swept already.
        if (await session.LoadAsync<SweepSlot>(slot, ct) is not null) return;
        session.Insert(new SweepSlot(slot));
        var today = calendar.Today;
        foreach (var database in await databases.AllAsync())
            await bus.PublishAsync(new SweepPage(today, SweepCursor.Start) { Database = TenantDatabases.IdOf(database) });
        if (SweepScheduler.Interval(configuration) is { } interval)
        {
            // The next slot after now, not after this one: after an outage the chain skips the slots it missed.
            var next = SweepScheduler.SlotOf(calendar.Now, interval) + interval;
            await bus.ScheduleAsync(new ScheduledSweep(next), next.ToDateTimeOffset());
        }
        // Until the day's digest is kept, each slot asks again: one that failed for good is tried at the next slot.
        if (await session.LoadAsync<Ledger.Api.Audit.PublishedDigest>(Ledger.Api.Audit.DailyDigestHandler.IdOf(today), ct) is null)
            await bus.PublishAsync(new Ledger.Api.Audit.PublishDailyDigest(today));
        await session.SaveChangesAsync(ct);
    }
}

/// <summary>
/// One page of the fan-out: a <see cref="SweepDueHousehold"/> per household of the page and, after a full page, the next
/// page, in one transaction through the outbox. Memory holds one page, however many households are due.
/// </summary>
public static class SweepPageHandler
{
    public static void Configure(HandlerChain chain) =>
        // A database blip passes; a page that keeps failing waits in the dead letters, and the next slot pages again.
        chain.OnAnyException().RetryWithCooldown(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
            .Then.MoveToErrorQueue();

    public static async Task Handle(SweepPage message, IDocumentStore store, TenantDatabases databases, Wolverine.Runtime.IWolverineRuntime runtime, CancellationToken ct)
    {
        IReadOnlyList<SweepDue> page;
        await using (var index = databases.AcrossTenants(await store.Storage.FindOrCreateDatabase(message.Database)))
            page = await SweepIndex.PageAsync(index, message.Date, message.After, ct);
        var (session, bus) = LedgerOutbox.Open(store, runtime);
        await using var _ = session;
        foreach (var due in page)
            await bus.PublishAsync(new SweepDueHousehold(due.Id, due.TenantId, message.Date));
        if (page.Count == SweepIndex.PageSize)
            await bus.PublishAsync(message with { After = SweepIndex.CursorAfter(page[^1]) });
        await session.SaveChangesAsync(ct);
    }
}

/// <summary>One household swept from the durable queue: a failure is retried on its own and never holds up the others.</summary>
public static class SweepDueHouseholdHandler
{
    public static void Configure(HandlerChain chain)
    {
        // A rule refusing the sweep (an unknown household) refuses it again: straight to the dead letters, to look at.
        chain.OnException<Ledger.Domain.DomainRuleViolated>().MoveToErrorQueue();
        // A busy household (lock timeout) or a database blip passes: try again, then leave it for the next slot.
        chain.OnAnyException().RetryWithCooldown(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
            .Then.MoveToErrorQueue();
    }

    public static async Task Handle(SweepDueHousehold message, IDocumentStore store, BusinessCalendar calendar, ILogger<SweepDueHousehold> logger, CancellationToken ct)
    {
        var events = await Sweeper.SweepHouseholdAsync(store, calendar, message.HouseholdId, message.Tenant, message.Date, ct);
        if (events > 0) logger.LogInformation("Sweep for {Date} recorded {Events} transitions in household {Household}", message.Date, events, message.HouseholdId);
    }
}

public static class Sweeper
{
    public static async Task<SweepResult> SweepAsync(IDocumentStore store, BusinessCalendar calendar, LocalDate date, CancellationToken ct, ILogger? logger = null)
    {
        EnsureNotFuture(calendar, date);
        var databases = new TenantDatabases(store);
        int households = 0, recorded = 0;
        foreach (var database in await databases.AllAsync())
        {
            for (var after = SweepCursor.Start; ;)
            {
                IReadOnlyList<SweepDue> page;
                await using (var session = databases.AcrossTenants(database))
                    page = await SweepIndex.PageAsync(session, date, after, ct);
                foreach (var due in page)
                {
                    try
                    {
                        recorded += await SweepHouseholdAsync(store, calendar, due.Id, due.TenantId, date, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // One household that cannot be swept must not stop the others; the next sweep tries it again.
                        logger?.LogError(e, "Sweep of household {Household} failed", due.Id);
                    }
                }
                households += page.Count;
                if (page.Count < SweepIndex.PageSize) break;
                after = SweepIndex.CursorAfter(page[^1]);
            }
        }
        return new SweepResult(date, households, recorded);
    }

    /// <summary>One household's transitions due by <paramref name="date"/>, through the write path every command takes.</summary>
    public static async Task<int> SweepHouseholdAsync(IDocumentStore store, BusinessCalendar calendar, Guid householdId, string tenant, LocalDate date, CancellationToken ct)
    {
        EnsureNotFuture(calendar, date);
        await using var session = store.LightweightSession(tenant);
        var decision = await HouseholdWriter.DecideAsync(session, calendar, householdId, new SweepHousehold(date),
            new WriteContext("sweep", $"Transitions due by {date:yyyy-MM-dd}", Guid.NewGuid().ToString("N"), $"sweep:{date:yyyy-MM-dd}"), ct);
        await session.SaveChangesAsync(ct);
        return decision.Events.Count;
    }

    private static void EnsureNotFuture(BusinessCalendar calendar, LocalDate date)
    {
        if (date > calendar.Today)
            throw new Ledger.Domain.DomainRuleViolated("DateInFuture", $"A sweep records what is due by a date up to today ({calendar.Today:yyyy-MM-dd}).");
    }
}

/// <summary>
/// Starts the chain of <see cref="ScheduledSweep"/> messages every <c>Ledger:SweepInterval</c> (default one hour; 0
/// turns it off) once the ledger serves and the demo story is recorded. Every node starts one for the current slot;
/// the slot's claim lets only the first run, so a cluster keeps one chain however often its nodes restart.
/// </summary>
public sealed class SweepScheduler(IServiceProvider services, IConfiguration configuration, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval(configuration) is not { } interval) return;
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        await services.GetRequiredService<DemoDataSeeder>().Done.WaitAsync(stoppingToken);
        var now = services.GetRequiredService<BusinessCalendar>().Now;
        await services.GetRequiredService<IMessageBus>().PublishAsync(new ScheduledSweep(SlotOf(now, interval)));
    }

    public static Duration? Interval(IConfiguration configuration)
    {
        var interval = TimeSpan.TryParse(configuration["Ledger:SweepInterval"], out var configured) ? configured : TimeSpan.FromHours(1);
        return interval > TimeSpan.Zero ? Duration.FromTimeSpan(interval) : null;
    }

    /// <summary>The start of the interval <paramref name="now"/> falls in: the same on every node.</summary>
    public static Instant SlotOf(Instant now, Duration interval) =>
        Instant.FromUnixTimeTicks(now.ToUnixTimeTicks() / interval.BclCompatibleTicks * interval.BclCompatibleTicks);

    public static string SlotId(Instant slot) => LedgerJson.Format(slot);
}

public sealed class SweepInput : NetCoreInput
{
    [Description("Record transitions due by this date (default today), e.g. 2025-03-03"), FlagAlias("date")]
    public string? DateFlag { get; set; }

    [Description("First write the sweep's index row of every household (once, for a database written before the index)"), FlagAlias("reindex")]
    public bool ReindexFlag { get; set; }
}

[Description("Record time-driven policy transitions (grace, suspension, renewal due, expiry) due by a date", Name = "sweep")]
public sealed class SweepCommand : JasperFxAsyncCommand<SweepInput>
{
    public override async Task<bool> Execute(SweepInput input)
    {
        Ledger.Api.Cli.CliOutput.UseStandardOutput();
        // The web host is not started (it would listen on the API's port): each household's sweep runs through the
        // same handler the API uses, on its own session.
        using var host = input.BuildHost();
        try
        {
            var store = host.Services.GetRequiredService<IDocumentStore>();
            var calendar = host.Services.GetRequiredService<BusinessCalendar>();
            var date = calendar.Today;
            if (input.DateFlag is { } text)
            {
                var parsed = LedgerJson.ParseDate(text);
                if (!parsed.Success)
                {
                    AnsiConsole.MarkupLine($"[red]--date '{Markup.Escape(text)}' is not a date such as 2025-03-03.[/]");
                    return false;
                }
                date = parsed.Value;
            }
            if (input.ReindexFlag)
                AnsiConsole.MarkupLine($"Indexed {await SweepIndex.RebuildAsync(store, CancellationToken.None)} households.");
            var result = await Sweeper.SweepAsync(store, calendar, date, CancellationToken.None);
            AnsiConsole.MarkupLine($"Swept {result.Households} households for {LedgerJson.Format(result.Date)}: recorded {result.Events} transitions.");
            return true;
        }
        catch (Ledger.Domain.DomainRuleViolated e)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return false;
        }
    }
}
