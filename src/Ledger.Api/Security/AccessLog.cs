using System.Threading.Channels;
using Ledger.Api.Hosting;
using Marten;
using NodaTime;

namespace Ledger.Api.Security;

/// <summary>One read of personal or regulated data: who, which tenant, what, when, and the answer's status.</summary>
public sealed record AccessLogEntry
{
    public Guid Id { get; init; }
    public DateTimeOffset At { get; init; }
    public string Actor { get; init; } = "";
    public string Tenant { get; init; } = "";
    public string Method { get; init; } = "";
    public string Path { get; init; } = "";
    public int Status { get; init; }
    public Guid? HouseholdId { get; init; }
}

/// <summary>
/// Records every authenticated read of households, the audit trail, registers and reports (PIPL §51: access to
/// personal and health data must be accountable). Writes are already events with their actor; reads are logged here.
/// Entries are queued and written in batches so a read never waits for the log.
/// </summary>
public sealed class AccessLog(IDocumentStore store, IConfiguration configuration, ILogger<AccessLog> logger) : BackgroundService
{
    /// <summary>
    /// How often the queue is written (<c>Ledger:AccessLog:FlushInterval</c>): what a crash can lose of the log. Every
    /// write has a cost of its own, so a shorter interval costs CPU per read: 100 ms against the 1 s default cost the
    /// ledger up to 0.1 ms more per read at 1,000 reads/s, and no latency gain showed (docs/performance.md).
    /// </summary>
    public TimeSpan FlushInterval { get; } = configuration.GetValue("Ledger:AccessLog:FlushInterval", TimeSpan.FromSeconds(1)) is var every && every > TimeSpan.Zero
        ? every
        : throw new InvalidOperationException($"Ledger:AccessLog:FlushInterval must be longer than zero, not {every}.");

    private static readonly string[] Logged = ["/households", "/audit", "/registers", "/reports"];
    private const int MaxQueued = 200_000;
    private readonly Channel<AccessLogEntry> _queue = Channel.CreateUnbounded<AccessLogEntry>(new UnboundedChannelOptions { SingleReader = true });

    public void Record(HttpContext http, Instant now)
    {
        if (!HttpMethods.IsGet(http.Request.Method) || http.User.Identity?.IsAuthenticated != true) return;
        var path = http.Request.Path.Value ?? "";
        if (!Logged.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase))) return;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        _queue.Writer.TryWrite(new AccessLogEntry
        {
            Id = Guid.CreateVersion7(),
            At = now.ToDateTimeOffset(),
            Actor = LedgerAuth.Actor(http.User) ?? "anonymous",
            // A refused token may name no tenant: it is logged with an empty one, never as the default tenant.
            Tenant = Tenancy.TryOf(http.User, out var tenant) ? tenant : "",
            Method = http.Request.Method,
            Path = path + http.Request.QueryString,
            Status = http.Response.StatusCode,
            HouseholdId = segments is ["households", var id, ..] && Guid.TryParse(id, out var household) ? household : null,
        });
    }

    /// <summary>Writes what is queued now; the background loop does the same every <see cref="FlushInterval"/>.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var batch = new List<AccessLogEntry>();
        while (_queue.Reader.TryRead(out var entry)) batch.Add(entry);
        if (batch.Count == 0) return;
        // One COPY per tenant for the interval's reads, not one insert each: at 1,000 reads/s the log was PostgreSQL's busiest
        // statement. Each read is logged beside the tenant's data, in its database; a token naming no tenant, in the default one.
        List<AccessLogEntry>? failed = null;
        foreach (var tenant in batch.GroupBy(e => e.Tenant.Length > 0 ? e.Tenant : Tenancy.Default))
        {
            try
            {
                await store.BulkInsertAsync(tenant.Key, tenant.ToList(), batchSize: 5_000, cancellation: ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One tenant's database failing must not lose the others' entries; its own wait for the next flush.
                logger.LogWarning(e, "Writing {Count} read log entries of tenant {Tenant} failed; they are kept for the next flush", tenant.Count(), tenant.Key);
                (failed ??= []).AddRange(tenant);
            }
        }
        if (failed is null) return;
        // Kept while a database is down, up to a bound: past it the log says how many reads went unrecorded.
        if (_queue.Reader.Count + failed.Count <= MaxQueued)
            foreach (var entry in failed) _queue.Writer.TryWrite(entry);
        else
            logger.LogError("{Count} read log entries were dropped: their database has been unavailable for too long", failed.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Writing the access log failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        await FlushAsync(CancellationToken.None);
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/audit/access", async Task<IResult> (TenantDatabases databases, string? actor, string? householdId, int? limit, CancellationToken ct) =>
            {
                Guid? household = null;
                if (!string.IsNullOrWhiteSpace(householdId))
                {
                    if (!Guid.TryParse(householdId, out var id)) return Problems.Validation([new Ledger.Domain.FieldError("householdId", "is not a household id")]);
                    household = id;
                }
                var take = Math.Clamp(limit ?? 200, 1, 5000);
                // The newest of each database, then the newest of those.
                var rows = await databases.ReadEachAsync(session =>
                {
                    IQueryable<AccessLogEntry> query = session.Query<AccessLogEntry>().Where(e => e.AnyTenant());
                    if (!string.IsNullOrWhiteSpace(actor)) query = query.Where(e => e.Actor == actor);
                    if (household is { } h) query = query.Where(e => e.HouseholdId == h);
                    return query.OrderByDescending(e => e.At).Take(take).ToListAsync(ct);
                });
                return TypedResults.Json(rows.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(take).ToList(), LedgerJson.Options);
            })
            .WithName("AccessLog").WithTags("Audit").RequireAuthorization(Access.Audit)
            .WithSummary("Who read which household, audit data, register or report, newest first (reads are logged, writes are events).")
            .Produces<IReadOnlyList<AccessLogEntry>>().ProducesValidationProblem();
}
