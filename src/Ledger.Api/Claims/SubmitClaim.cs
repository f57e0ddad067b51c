using Ledger.Domain.Claims;

namespace Ledger.Api.Claims;

/// <param name="LimitRemaining">The person's annual limit left on the policy term after this claim (null when none applies).</param>
public sealed record ClaimSubmittedAnswer(
    Guid ClaimId, long Version, ClaimOutcome Outcome, decimal Payable, string? RejectionCode, decimal DeductibleApplied,
    decimal? LimitRemaining, string Explanation);

/// <summary>POST /households/{householdId}/claims: claim for a loss, adjudicated at once.</summary>
public static class SubmitClaimHandler
{
    public static void Map(IEndpointRouteBuilder app) => app
        .MapPost("/households/{householdId}/claims", (HttpContext http, string householdId, IConfiguration configuration) =>
            WriteEndpoint.SendAsync<SubmitClaim>(http, householdId, (body, _) => body with
            {
                ClaimId = Guid.CreateVersion7(),
                Submitter = LedgerAuth.Actor(http.User),
                ReferralThreshold = configuration.GetValue("Ledger:Claims:ReferralThreshold", ClaimEngine.DefaultReferralThreshold),
            }))
        .DescribesWrite<SubmitClaim, ClaimSubmittedAnswer>("Claims", Access.ClaimWrite,
            "Claim for a loss; adjudicated at once against cover on the loss date, deductibles and limits.", StatusCodes.Status201Created);

    public static Task<WriteAnswer> Handle(HouseholdWrite<SubmitClaim> write, IDocumentSession session, HouseholdCommits commits, CancellationToken ct) =>
        commits.WriteAsync(session, write, ct, decided =>
        {
            var adjudication = decided.Events.OfType<ClaimAdjudicated>().Select(e => e.Adjudication)
                .Concat(decided.Events.OfType<ClaimReferred>().Select(e => e.Adjudication)).Single();
            return WriteAnswer.Created(
                new ClaimSubmittedAnswer(write.Command.ClaimId, decided.Version, adjudication.Outcome,
                    adjudication.Outcome == ClaimOutcome.Approved ? adjudication.Payable : 0m,
                    adjudication.RejectionCode, adjudication.DeductibleApplied, adjudication.PersonLimitRemaining, adjudication.Explanation),
                decided, write.HouseholdId);
        });
}
