using Ledger.Api.Hosting;
using Ledger.Domain;
using Ledger.Domain.Claims;
using Ledger.Domain.Policies;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;

namespace Ledger.Api.Registers;

public sealed record RatioLine(int Automated, int Referred, decimal? Ratio, decimal Target, bool MeetsTarget);

/// <summary>Automated vs referred decisions in a period, beside the industry targets.</summary>
public sealed record AutomationReport(LocalDate From, LocalDate To, RatioLine Underwriting, RatioLine Claims, RatioLine PolicyChanges, long ProjectionLag);

public sealed record RenewalDueEntry(Guid PolicyId, Guid HouseholdId, PolicyCategory Category, string ProductCode, LocalDate TermEnd, int DaysLeft, bool Guaranteed);

/// <summary>Registers and reports across households, read from the async projections.</summary>
public static class RegisterEndpoints
{
    public const decimal UnderwritingTarget = 0.70m;
    public const decimal PolicyChangeTarget = 0.80m;
    public const decimal ClaimsTarget = 0.40m;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/registers/claims", ClaimsAsync).WithName("ClaimsRegister").WithTags("Registers").RequireAuthorization(Ledger.Api.Security.Access.Registers)
            .WithSummary("Claims across households; filter by status, category and loss-date range.")
            .Produces<IReadOnlyList<ClaimRegisterEntry>>().ProducesValidationProblem();
        app.MapGet("/registers/renewals", RenewalsAsync).WithName("RenewalsRegister").WithTags("Registers").RequireAuthorization(Ledger.Api.Security.Access.Registers)
            .WithSummary("Policies whose current term ends within N days (default 30) and are not ended or declined.")
            .Produces<IReadOnlyList<RenewalDueEntry>>().ProducesValidationProblem();
        app.MapGet("/reports/automation", AutomationAsync).WithName("AutomationReport").WithTags("Registers").RequireAuthorization(Ledger.Api.Security.Access.Registers)
            .WithSummary("Automated vs referred underwriting, claims and policy changes, with ratios beside the targets 70% / 40% / 80%.")
            .Produces<AutomationReport>().ProducesValidationProblem();
    }

    /// <summary>
    /// Regulators read across tenants, database by database (<see cref="TenantDatabases"/>); everyone else within their
    /// own tenant. <paramref name="shape"/> filters, orders and limits each database's rows; the caller merges them.
    /// </summary>
    private static async Task<List<T>> ReadAsync<T>(HttpContext http, Func<IQueryable<T>, IQueryable<T>> shape, CancellationToken ct) where T : notnull
    {
        var databases = http.RequestServices.GetRequiredService<TenantDatabases>();
        if (!Ledger.Api.Security.Tenancy.AcrossTenants(http.User))
        {
            await using var own = http.RequestServices.GetRequiredService<IDocumentStore>().QuerySession(Ledger.Api.Security.Tenancy.Of(http.User));
            return [.. await shape(own.Query<T>()).ToListAsync(ct)];
        }
        return await databases.ReadEachAsync(session => shape(session.Query<T>().Where(x => x.AnyTenant())).ToListAsync(ct));
    }

    private static async Task<IResult> ClaimsAsync(HttpContext http, string? status, string? category, string? from, string? to, int? limit, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var statusValue = ParseEnum<ClaimStatus>(status, "status", errors);
        var categoryValue = ParseEnum<PolicyCategory>(category, "category", errors);
        var fromDate = ParseDate(from, "from", errors);
        var toDate = ParseDate(to, "to", errors);
        if (fromDate is { } f && toDate is { } t && t < f) errors.Add(new("to", "must not be before from"));
        if (errors.Count > 0) return Problems.Validation(errors);

        var take = Math.Clamp(limit ?? 200, 1, 1000);
        var rows = await ReadAsync<ClaimRegisterEntry>(http, query =>
        {
            if (statusValue is { } s) query = query.Where(c => c.Status == s);
            if (categoryValue is { } c) query = query.Where(x => x.Category == c);
            if (fromDate is { } fd) { var d = fd.ToDateOnly(); query = query.Where(x => x.LossDate >= d); }
            if (toDate is { } td) { var d = td.ToDateOnly(); query = query.Where(x => x.LossDate <= d); }
            return query.OrderByDescending(x => x.LossDate).Take(take);
        }, ct);
        // Merged across databases, in the order each one gave (a stable sort keeps a single database's order as it was).
        return TypedResults.Json(rows.OrderByDescending(x => x.LossDate).Take(take).ToList(), LedgerJson.Options);
    }

    private static async Task<IResult> RenewalsAsync(HttpContext http, BusinessCalendar calendar, string? within, CancellationToken ct)
    {
        var days = 30;
        if (within is not null && (!int.TryParse(within, out days) || days is < 0 or > 366))
            return Problems.Validation([new FieldError("within", "must be a number of days from 0 to 366")]);
        var today = calendar.Today;
        var first = today.ToDateOnly();
        var last = today.PlusDays(days).ToDateOnly();
        var rows = (await ReadAsync<PolicyRegisterEntry>(http, query => query
            .Where(p => !p.Ended && !p.RenewalDeclined && p.TermEnd >= first && p.TermEnd <= last)
            .OrderBy(p => p.TermEnd), ct)).OrderBy(p => p.TermEnd);
        return TypedResults.Json(rows.Select(p => new RenewalDueEntry(p.Id, p.HouseholdId, p.Category, p.ProductCode,
            LocalDate.FromDateOnly(p.TermEnd), Period.DaysBetween(today, LocalDate.FromDateOnly(p.TermEnd)),
            p.GuaranteedRenewalUntil is { } g && p.TermEnd < g)).ToList(), LedgerJson.Options);
    }

    private static async Task<IResult> AutomationAsync(HttpContext http, TenantDatabases databases, BusinessCalendar calendar, string? from, string? to, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var fromDate = ParseDate(from, "from", errors) ?? new LocalDate(1900, 1, 1);
        var toDate = ParseDate(to, "to", errors) ?? calendar.Today;
        if (toDate < fromDate) errors.Add(new("to", "must not be before from"));
        if (errors.Count > 0) return Problems.Validation(errors);
        var f = fromDate.AtStartOfDayInZone(calendar.Zone).ToDateTimeOffset();
        var t = toDate.PlusDays(1).AtStartOfDayInZone(calendar.Zone).ToDateTimeOffset();
        var decisions = await ReadAsync<AutomationDecision>(http, query => query.Where(d => d.DecidedAt >= f && d.DecidedAt < t), ct);
        RatioLine Line(DecisionKind kind, decimal target)
        {
            var of = decisions.Where(d => d.Kind == kind).ToList();
            var automated = of.Count(d => d.Automated);
            var ratio = of.Count == 0 ? (decimal?)null : decimal.Round((decimal)automated / of.Count, 4);
            // DOMAIN.md: the targets are to be exceeded (> 70%, > 40%).
            return new RatioLine(automated, of.Count - automated, ratio, target, ratio > target);
        }
        var lag = await ProjectionLagHealthCheck.LagAsync(databases, ct);
        return TypedResults.Json(new AutomationReport(fromDate, toDate,
            Line(DecisionKind.Underwriting, UnderwritingTarget), Line(DecisionKind.Claim, ClaimsTarget), Line(DecisionKind.PolicyChange, PolicyChangeTarget),
            lag.Values.DefaultIfEmpty(0).Max()), LedgerJson.Options);
    }

    private static T? ParseEnum<T>(string? text, string field, List<FieldError> errors) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var match = Enum.GetValues<T>().Where(v => string.Equals(v.ToString(), text, StringComparison.OrdinalIgnoreCase)).ToList();
        if (match.Count == 1) return match[0];
        errors.Add(new(field, $"'{text}' is not one of: {string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}"));
        return null;
    }

    private static LocalDate? ParseDate(string? text, string field, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parsed = LedgerJson.ParseDate(text.Trim());
        if (parsed.Success) return parsed.Value;
        errors.Add(new(field, $"'{text}' is not a valid date (yyyy-MM-dd)"));
        return null;
    }
}

/// <summary>
/// Readiness includes how far each async projection trails the event store. A projection that stopped on an event it
/// cannot apply shows here as a growing lag (it is never skipped silently).
/// </summary>
public sealed class ProjectionLagHealthCheck(TenantDatabases databases, IConfiguration configuration) : IHealthCheck
{
    /// <summary>Each projection's lag in events: the most it trails in any database (each has its own sequence and daemon).</summary>
    public static async Task<Dictionary<string, long>> LagAsync(TenantDatabases databases, CancellationToken ct)
    {
        var lag = new Dictionary<string, long>();
        foreach (var database in await databases.AllAsync())
        {
            // The newest sequence number, not a count of every event: this runs on every readiness probe.
            long newest;
            await using (var session = databases.AcrossTenants(database))
                newest = (await session.QueryAsync<long>("select coalesce(max(seq_id), 0) from ledger.mt_events", ct)).Single();
            var progress = (await database.AllProjectionProgress(ct)).Where(p => p.ShardName != "HighWaterMark").ToList();
            foreach (var p in progress) lag[p.ShardName] = Math.Max(lag.GetValueOrDefault(p.ShardName), Math.Max(0, newest - p.Sequence));
            // A projection that never started has no progress row: it is as far behind as it can be.
            foreach (var expected in ExpectedShards.Where(s => !progress.Any(p => p.ShardName.StartsWith(s, StringComparison.OrdinalIgnoreCase))))
                lag[expected] = Math.Max(lag.GetValueOrDefault(expected), newest);
        }
        return lag;
    }

    private static readonly string[] ExpectedShards = ["claimRegisterEntry", "policyRegisterEntry", "ledger.Api.Registers.AutomationProjection"];

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        Dictionary<string, long> lag;
        try
        {
            lag = await LagAsync(databases, ct);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("Projection progress could not be read.");
        }
        var tolerated = configuration.GetValue("Ledger:MaxProjectionLag", 1_000L);
        var data = lag.ToDictionary(kv => kv.Key, kv => (object)kv.Value);
        return lag.Values.Any(l => l > tolerated)
            ? HealthCheckResult.Degraded($"A projection trails the event store by more than {tolerated} events.", data: data)
            : HealthCheckResult.Healthy("Projections are keeping up.", data);
    }
}
