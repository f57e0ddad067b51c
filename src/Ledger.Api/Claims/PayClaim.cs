using Ledger.Domain.Claims;

namespace Ledger.Api.Claims;

/// <summary>POST …/claims/{claimId}/pay: record a payment of an approved claim (four eyes: not by its approver).</summary>
public static class PayClaimHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapClaimWrite<PayClaim, VersionAnswer>("/pay",
        "Record a payment of an approved claim (not by the person who approved it on review).", Access.ClaimDecision,
        (c, id, http) => c with { ClaimId = id, Payer = LedgerAuth.Actor(http.User) });

    public static Task<WriteAnswer> Handle(HouseholdWrite<PayClaim> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new VersionAnswer(decided.Version), decided));
}
