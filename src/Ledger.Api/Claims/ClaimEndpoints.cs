using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Domain;
using Ledger.Domain.Claims;

namespace Ledger.Api.Claims;

/// <param name="LimitRemaining">The person's annual limit left on the policy term after this claim (null when none applies).</param>
public sealed record ClaimSubmittedAnswer(
    Guid ClaimId, long Version, ClaimOutcome Outcome, decimal Payable, string? RejectionCode, decimal DeductibleApplied,
    decimal? LimitRemaining, string Explanation);

public sealed record ClaimReviewedAnswer(long Version, ClaimOutcome Outcome, decimal Payable);

/// <summary>Claims over HTTP: submit (adjudicated at once), review, pay, withdraw.</summary>
public static class ClaimEndpoints
{
    private const string Claim = "/households/{householdId}/claims/{claimId}";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/households/{householdId}/claims", (HttpContext http, string householdId, IConfiguration configuration) =>
                WriteEndpoint.ExecuteAsync<SubmitClaim>(http, nameof(SubmitClaim), householdId,
                    (body, _) => body with
                    {
                        ClaimId = Guid.CreateVersion7(),
                        Submitter = Ledger.Api.Security.LedgerAuth.Actor(http.User),
                        ReferralThreshold = configuration.GetValue("Ledger:Claims:ReferralThreshold", ClaimEngine.DefaultReferralThreshold),
                    },
                    (command, version, events, id) =>
                    {
                        var claimId = ((SubmitClaim)command).ClaimId;
                        var adjudication = events.OfType<ClaimAdjudicated>().Select(e => e.Adjudication)
                            .Concat(events.OfType<ClaimReferred>().Select(e => e.Adjudication)).Single();
                        return new WriteAnswer(StatusCodes.Status201Created,
                            new ClaimSubmittedAnswer(claimId, version, adjudication.Outcome,
                                adjudication.Outcome == ClaimOutcome.Approved ? adjudication.Payable : 0m,
                                adjudication.RejectionCode, adjudication.DeductibleApplied, adjudication.PersonLimitRemaining, adjudication.Explanation),
                            id, version, $"/households/{id}");
                    }))
            .WithName(nameof(SubmitClaim)).WithTags("Claims").RequireAuthorization(Ledger.Api.Security.Access.ClaimWrite)
            .WithSummary("Claim for a loss; adjudicated at once against cover on the loss date, deductibles and limits.")
            .Accepts<SubmitClaim>("application/json")
            .Produces<ClaimSubmittedAnswer>(StatusCodes.Status201Created)
            .ProducesWriteProblems();

        Write<ReviewClaim, ClaimReviewedAnswer>(app, Claim + "/review", "A person approves or rejects a referred claim.", Ledger.Api.Security.Access.ClaimDecision,
            (c, id, http) => c with { ClaimId = id, Reviewer = Ledger.Api.Security.LedgerAuth.Actor(http.User) },
            (_, v, events) => events.OfType<ClaimReviewed>().Single() is var r
                ? new(v, r.Adjudication.Outcome, r.Adjudication.Outcome == ClaimOutcome.Approved ? r.Adjudication.Payable : 0m)
                : throw new InvalidOperationException());
        Write<PayClaim, VersionAnswer>(app, Claim + "/pay", "Record a payment of an approved claim (not by the person who approved it on review).", Ledger.Api.Security.Access.ClaimDecision,
            (c, id, http) => c with { ClaimId = id, Payer = Ledger.Api.Security.LedgerAuth.Actor(http.User) }, (_, v, _) => new(v));
        Write<WithdrawClaim, VersionAnswer>(app, Claim + "/withdraw", "The claimant withdraws an unpaid claim.", Ledger.Api.Security.Access.ClaimWrite,
            (c, id, _) => c with { ClaimId = id }, (_, v, _) => new(v));
    }

    private static void Write<TBody, TAnswer>(
        IEndpointRouteBuilder app, string pattern, string summary, string access,
        Func<TBody, Guid, HttpContext, TBody> withId, Func<TBody, long, IReadOnlyList<object>, TAnswer> answer)
        where TBody : class
        where TAnswer : notnull
    {
        var operation = typeof(TBody).Name;
        app.MapPost(pattern, (HttpContext http, string householdId, string claimId) =>
                WriteEndpoint.ExecuteAsync<TBody>(http, operation, householdId,
                    (body, _) => withId(body, Guid.TryParse(claimId, out var id)
                        ? id
                        : throw new DomainRuleViolated("UnknownClaim", $"'{claimId}' is not a claim id.", ViolationKind.NotFound), http),
                    (command, version, events, id) =>
                        new WriteAnswer(StatusCodes.Status200OK, answer((TBody)command, version, events), id, version, null)))
            .WithName(operation).WithTags("Claims").WithSummary(summary).RequireAuthorization(access)
            .Accepts<TBody>("application/json")
            .Produces<TAnswer>()
            .ProducesWriteProblems();
    }
}
