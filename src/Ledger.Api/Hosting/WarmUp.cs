using System.Diagnostics;
using Ledger.Api.Households;
using Ledger.Domain.Households;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// Runs the write and read paths once after start-up, and readiness says no until it has: otherwise the first real
/// request pays for loading and JIT-compiling them (Wolverine's handler, Marten's event append, inline projections
/// and queries, the JSON contracts), about a second on a busy machine. Nothing is left behind: the write is accepted,
/// on a household of its own, inside a transaction that is rolled back. Only the event sequence skips the numbers it
/// drew, as after any refused write.
/// </summary>
public sealed class WarmUp(IServiceProvider services, DemoDataSeeder demo, ILogger<WarmUp> logger)
    : BackgroundService, IHealthCheck
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the paths have run once (or warming up was given up after an unexpected failure).</summary>
    public Task Completed => _done.Task;

    // Ready also waits for the demo households: a client that starts on "ready" must find the whole story, and a write
    // it made meanwhile would be recorded "now", between the story's earlier instants.
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(!_done.Task.IsCompleted ? HealthCheckResult.Unhealthy("Warming up the write and read paths.")
            : !demo.Done.IsCompleted ? HealthCheckResult.Unhealthy("Recording the demo households.")
            : HealthCheckResult.Healthy("The write and read paths have run once."));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Registered after Marten (schema applied) and Wolverine, which have started by now: warming up overlaps the
        // rest of start-up, and nothing of it runs on the thread that starts the host.
        await Task.Yield();

        var watch = Stopwatch.StartNew();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                logger.LogInformation("Warmed up the write and read paths in {Milliseconds} ms", watch.ElapsedMilliseconds);
                break;
            }
            catch (Exception e) when (DatabaseOutage.Caused(e) && !stoppingToken.IsCancellationRequested)
            {
                // The database check already reports this; warm up once it answers again.
                logger.LogWarning("Warm-up waits for the database: {Message}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A defect here must not keep the node out of service: it only costs the first requests some time.
                logger.LogError(e, "Warm-up failed; the first requests will be slower");
                break;
            }
        }
        _done.TrySetResult();
    }

    internal async Task RunOnceAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var calendar = provider.GetRequiredService<BusinessCalendar>();
        var store = provider.GetRequiredService<IDocumentStore>();
        var tenant = Ledger.Api.Security.Tenancy.Default;
        var context = new WriteContext("warm-up", null, Guid.NewGuid().ToString("N"), "warm-up");

        // The HTTP edge: the strict JSON reader of a command body.
        WriteEndpoint.Parse<OpenHousehold>("""{ "holder": { "name": "Warm Up", "dateOfBirth": "1985-04-12" }, "openedOn": "2025-01-01" }"""u8.ToArray());

        // Wolverine's pre-generated handler, loaded and wired up (invoking it would commit, or log a refusal as an error).
        var wolverine = provider.GetRequiredService<Wolverine.Runtime.IWolverineRuntime>();
        wolverine.FindInvoker(typeof(HouseholdWrite<OpenHousehold>));
        wolverine.FindInvoker(typeof(HouseholdWrite<JoinMember>));

        // The accepted write: encrypt, append, the household view, the audit chain; then undone.
        var householdId = Guid.CreateVersion7();
        await using (var connection = await provider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct))
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            var options = Marten.Services.SessionOptions.ForTransaction(transaction);
            options.TenantId = tenant;
            await using (var session = store.LightweightSession(options))
            {
                var open = new OpenHousehold(new PersonDetails("Warm Up", new LocalDate(1985, 4, 12)), calendar.Today)
                {
                    HouseholdId = householdId, HolderId = Guid.CreateVersion7(), HouseholdNumber = "WARMUP",
                };
                var opened = HouseholdWriter.Open(session, calendar, householdId, open, context);
                await session.SaveChangesAsync(ct);
                await HouseholdWriter.DecideAsync(session, calendar, householdId,
                    new JoinMember("Warm Up Junior", new LocalDate(2015, 6, 18), Relationship.Child, calendar.Today) { PersonId = Guid.CreateVersion7() },
                    context with { ExpectedVersion = opened.Version }, ct);
                await session.SaveChangesAsync(ct);
                System.Text.Json.JsonSerializer.Serialize(new MemberJoinedAnswer(Guid.Empty, opened.Version + 1), LedgerJson.Options);

                // The reads: the stored view, a view as known at an instant, the history, the audit trail.
                var household = await ReadHousehold.FindAsync(session, householdId.ToString(), ct);
                if (household is not null)
                {
                    var view = CoverageView.Of(await Ledger.Api.Privacy.PersonalDataVault.RevealAsync(session, household, ct) ?? household, calendar.Today, null);
                    System.Text.Json.JsonSerializer.Serialize(view, LedgerJson.Options);
                }
                await HouseholdTimeTravel.KnownAtAsync(session, householdId.ToString(), calendar.Now, ct);
                foreach (var e in await session.Events.FetchStreamAsync(householdId, token: ct))
                    System.Text.Json.JsonSerializer.Serialize(HistoryEntry.From(e), LedgerJson.Options);
                await session.Query<Ledger.Api.Audit.AuditEntry>().Where(a => a.HouseholdId == householdId).ToListAsync(ct);
            }
            await transaction.RollbackAsync(ct);
        }
    }
}
