using Ledger.Domain.Claims;

namespace Ledger.Api.Claims;

/// <summary>Claims: submitted and adjudicated at once, reviewed, paid, withdrawn.</summary>
public static class ClaimsFeature
{
    /// <summary>Stored event names: the contract with every stream already written. A class may be renamed, a stored name never.</summary>
    public static readonly IReadOnlyDictionary<Type, string> StoredEvents = new Dictionary<Type, string>
    {
        [typeof(ClaimSubmitted)] = "ClaimSubmitted",
        [typeof(ClaimAdjudicated)] = "ClaimAdjudicated",
        [typeof(ClaimReferred)] = "ClaimReferred",
        [typeof(ClaimReviewed)] = "ClaimReviewed",
        [typeof(ClaimPaid)] = "ClaimPaid",
        [typeof(ClaimWithdrawn)] = "ClaimWithdrawn",
        [typeof(ClaimReadjudicated)] = "ClaimReadjudicated",
    };

    public static StoreOptions AddClaims(this StoreOptions opts)
    {
        opts.Events.MapEventTypes(StoredEvents);
        return opts;
    }

    public static IEndpointRouteBuilder MapClaims(this IEndpointRouteBuilder app)
    {
        SubmitClaimHandler.Map(app);
        ReviewClaimHandler.Map(app);
        PayClaimHandler.Map(app);
        WithdrawClaimHandler.Map(app);
        return app;
    }
}
