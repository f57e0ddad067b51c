using Ledger.Domain.Claims;

namespace Ledger.Api.Claims;

public sealed record ClaimReviewedAnswer(long Version, ClaimOutcome Outcome, decimal Payable);

/// <summary>POST …/claims/{claimId}/review: a person approves or rejects a referred claim.</summary>
public static class ReviewClaimHandler
{
    public static void Map(IEndpointRouteBuilder app) => app.MapClaimWrite<ReviewClaim, ClaimReviewedAnswer>("/review",
        "A person approves or rejects a referred claim.", Access.ClaimDecision,
        (c, id, http) => c with { ClaimId = id, Reviewer = LedgerAuth.Actor(http.User) });

    public static Task<WriteAnswer> Handle(HouseholdWrite<ReviewClaim> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided =>
        {
            var adjudication = decided.Single<ClaimReviewed>().Adjudication;
            return WriteAnswer.Ok(new ClaimReviewedAnswer(decided.Version, adjudication.Outcome,
                adjudication.Outcome == ClaimOutcome.Approved ? adjudication.Payable : 0m), decided);
        });
}
