using Ledger.Domain.Households;

namespace Ledger.Api.Households;

/// <summary>POST /households/{householdId}/members/{personId}/consents: PIPL consent given or withdrawn.</summary>
public static class RecordConsentHandler
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/members/{personId}/consents", (HttpContext http, string householdId, string personId) =>
            WriteEndpoint.SendAsync<RecordConsent>(http, householdId, (body, _) => body with { PersonId = PersonIds.Parse(personId) }))
        .DescribesWrite<RecordConsent, VersionAnswer>("Privacy", Access.HouseholdWrite,
            "Record that a person gave (given: true) or withdrew (given: false) consent to a purpose.");

    public static Task<WriteAnswer> Handle(HouseholdWrite<RecordConsent> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new VersionAnswer(decided.Version), decided));
}
