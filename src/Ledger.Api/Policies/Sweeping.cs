using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using Marten;
using NodaTime;
using Spectre.Console;
using Wolverine;

namespace Ledger.Api.Policies;

/// <summary>Record every time-driven transition due by <see cref="Date"/> on every household with policies.</summary>
public sealed record RunSweep(LocalDate Date);

/// <summary>What a sweep recorded.</summary>
public sealed record SweepResult(LocalDate Date, int Households, int Events);

/// <summary>
/// The sweep as a Wolverine handler: each household is swept by its own <see cref="HouseholdCommand"/>, in its
/// own transaction behind the household's lock, so a sweep never races a clerk and running it twice records nothing new.
/// </summary>
public static class RunSweepHandler
{
    public static Task<SweepResult> Handle(RunSweep message, IDocumentStore store, IMessageBus bus, BusinessCalendar calendar, ILogger<RunSweep> logger, CancellationToken ct) =>
        Sweeper.SweepAsync(store, calendar, message.Date,
            (tenant, command) => bus.InvokeForTenantAsync<WriteAnswer>(tenant, command, ct, TimeSpan.FromMinutes(1)), ct, logger);
}

public static class Sweeper
{
    public static async Task<SweepResult> SweepAsync(
        IDocumentStore store, BusinessCalendar calendar, LocalDate date, Func<string, HouseholdCommand, Task<WriteAnswer>> execute, CancellationToken ct,
        ILogger? logger = null)
    {
        if (date > calendar.Today)
            throw new Ledger.Domain.DomainRuleViolated("DateInFuture", $"A sweep records what is due by a date up to today ({calendar.Today:yyyy-MM-dd}).");
        // Households with policies, or with someone whose erasure waits for the end of retention; in every tenant.
        var households = new List<(Guid Id, string Tenant)>();
        await using (var session = store.QuerySession())
        {
            await using var reader = await session.ExecuteReaderAsync(new Npgsql.NpgsqlCommand(
                "select id, tenant_id from ledger.mt_doc_household where jsonb_array_length(data -> 'policies') > 0 " +
                "or exists (select 1 from jsonb_array_elements(data -> 'people') p where p ->> 'erasureRequestedOn' is not null " +
                "and coalesce((p ->> 'shredded')::boolean, false) = false) order by id"), ct);
            while (await reader.ReadAsync(ct)) households.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        var recorded = 0;
        foreach (var (householdId, tenant) in households)
        {
            try
            {
                var answer = await execute(tenant, new HouseholdCommand(householdId, new SweepHousehold(date),
                    new WriteContext(nameof(SweepHousehold), "sweep", $"Transitions due by {date:yyyy-MM-dd}",
                        Guid.NewGuid().ToString("N"), $"sweep:{date:yyyy-MM-dd}", null, null, ""),
                    (version, events) => new WriteAnswer(200, events.Count, householdId, version, null)));
                recorded += (int)answer.Body;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One household that cannot be swept must not stop the others; the next sweep tries it again.
                logger?.LogError(e, "Sweep of household {Household} failed", householdId);
            }
        }
        return new SweepResult(date, households.Count, recorded);
    }
}

/// <summary>Runs the sweep for today every <c>Ledger:SweepInterval</c> (default one hour) while the ledger serves.</summary>
public sealed partial class SweepScheduler(IServiceProvider services, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<SweepScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.TryParse(configuration["Ledger:SweepInterval"], out var configured) ? configured : TimeSpan.FromHours(1);
        if (interval <= TimeSpan.Zero) return;
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        await services.GetRequiredService<DemoDataSeeder>().Done.WaitAsync(stoppingToken);

        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var today = scope.ServiceProvider.GetRequiredService<BusinessCalendar>().Today;
                var result = await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<SweepResult>(new RunSweep(today), stoppingToken);
                if (result.Events > 0) logger.LogInformation("Sweep for {Date} recorded {Events} transitions in {Households} households", result.Date, result.Events, result.Households);
                try
                {
                    await PublishDailyDigestAsync(scope.ServiceProvider, today, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Publishing the daily digest failed");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick sweeps again; a failed sweep leaves nothing half-recorded (one transaction per household).
                logger.LogError(e, "Sweep failed");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

public sealed partial class SweepScheduler
{
    /// <summary>Once per business day, the ledger digest is computed and kept, so a regulator can fetch any day's.</summary>
    internal static async Task PublishDailyDigestAsync(IServiceProvider services, LocalDate today, CancellationToken ct)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var id = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<Ledger.Api.Audit.PublishedDigest>(id, ct) is not null) return;
        var calendar = services.GetRequiredService<BusinessCalendar>();
        var digest = await services.GetRequiredService<Ledger.Api.Audit.AuditVerifier>().DigestAsync(calendar.Now.ToDateTimeOffset(), ct);
        // Insert, never overwrite: once a day's digest is published it must not change (two nodes may race here).
        session.Insert(new Ledger.Api.Audit.PublishedDigest(id, digest));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is JasperFx.DocumentAlreadyExistsException || e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
        }
    }
}

public sealed class SweepInput : NetCoreInput
{
    [Description("Record transitions due by this date (default today), e.g. 2025-03-03"), FlagAlias("date")]
    public string? DateFlag { get; set; }
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
            var result = await Sweeper.SweepAsync(store, calendar, date, async (tenant, command) =>
            {
                await using var session = store.LightweightSession(tenant);
                return await HouseholdCommandHandler.Handle(command, session, calendar, CancellationToken.None);
            }, CancellationToken.None);
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
