using Ledger.Domain.Claims;

namespace Ledger.Api.Claims;

/// <summary>POST …/claims/{claimId}/withdraw: the claimant withdraws an unpaid claim.</summary>
public static class WithdrawClaimHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapClaimWrite<WithdrawClaim, VersionAnswer>("/withdraw",
        "The claimant withdraws an unpaid claim.", Access.ClaimWrite, (c, id, _) => c with { ClaimId = id });

    public static Task<WriteAnswer> Handle(HouseholdWrite<WithdrawClaim> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided => WriteAnswer.Ok(new VersionAnswer(decided.Version), decided));
}
