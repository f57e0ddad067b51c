using Ledger.Domain.Households;

namespace Ledger.Api.Households;

/// <param name="RetainedUntil">The last day the law requires the records to be kept (9999-12-31 while a contract still runs).</param>
public sealed record ErasureAnswer(long Version, NodaTime.LocalDate RetainedUntil);

/// <summary>
/// POST /households/{householdId}/members/{personId}/erasure (PIPL): processing is restricted now, and the person's data
/// key is destroyed when the records' retention ends (the sweep does it).
/// </summary>
public static class RequestErasureHandler
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/members/{personId}/erasure", (HttpContext http, string householdId, string personId) =>
            WriteEndpoint.SendAsync<RequestErasure>(http, householdId, (body, _) => body with { PersonId = PersonIds.Parse(personId) }))
        .DescribesWrite<RequestErasure, ErasureAnswer>("Privacy", Access.HouseholdWrite,
            "A person asks for erasure: processing is restricted now; their data key is destroyed when the records' retention ends.");

    public static Task<WriteAnswer> Handle(HouseholdWrite<RequestErasure> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided =>
            WriteAnswer.Ok(new ErasureAnswer(decided.Version, decided.Single<ProcessingRestricted>().RetainedUntil), decided));
}
