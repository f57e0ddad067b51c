using Ledger.Api.Hosting;
using Ledger.Domain.Households;

namespace Ledger.Api.Households;

/// <summary>PIPL: consents, and erasure requests (restriction now, crypto-shredding when retention ends).</summary>
public static class PrivacyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/households/{householdId}/members/{personId}/consents", (HttpContext http, string householdId, string personId) =>
                WriteEndpoint.ExecuteAsync<RecordConsent>(http, nameof(RecordConsent), householdId,
                    (body, _) => body with { PersonId = PersonIds.Parse(personId) },
                    (_, version, _, id) => new WriteAnswer(StatusCodes.Status200OK, new VersionAnswer(version), id, version, null)))
            .WithName(nameof(RecordConsent)).WithTags("Privacy")
        .RequireAuthorization(Ledger.Api.Security.Access.HouseholdWrite)
            .WithSummary("Record that a person gave (given: true) or withdrew (given: false) consent to a purpose.")
            .Accepts<RecordConsent>("application/json").Produces<VersionAnswer>().ProducesWriteProblems();

        app.MapPost("/households/{householdId}/members/{personId}/erasure", (HttpContext http, string householdId, string personId) =>
                WriteEndpoint.ExecuteAsync<RequestErasure>(http, nameof(RequestErasure), householdId,
                    (body, _) => body with { PersonId = PersonIds.Parse(personId) },
                    (_, version, events, id) => new WriteAnswer(StatusCodes.Status200OK,
                        new ErasureAnswer(version, events.OfType<ProcessingRestricted>().Single().RetainedUntil), id, version, null)))
            .WithName(nameof(RequestErasure)).WithTags("Privacy")
        .RequireAuthorization(Ledger.Api.Security.Access.HouseholdWrite)
            .WithSummary("A person asks for erasure: processing is restricted now; their data key is destroyed when the records' retention ends.")
            .Accepts<RequestErasure>("application/json").Produces<ErasureAnswer>().ProducesWriteProblems();
    }
}

/// <param name="RetainedUntil">The last day the law requires the records to be kept (9999-12-31 while a contract still runs).</param>
public sealed record ErasureAnswer(long Version, NodaTime.LocalDate RetainedUntil);
