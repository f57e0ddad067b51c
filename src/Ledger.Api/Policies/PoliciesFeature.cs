using Ledger.Domain.Policies;

namespace Ledger.Api.Policies;

/// <summary>The policy lifecycle: application and underwriting to renewal, and the sweep that records what time makes due.</summary>
public static class PoliciesFeature
{
    /// <summary>Stored event names: the contract with every stream already written. A class may be renamed, a stored name never.</summary>
    public static readonly IReadOnlyDictionary<Type, string> StoredEvents = new Dictionary<Type, string>
    {
        [typeof(UnderwritingDecided)] = "UnderwritingDecided",
        [typeof(ApplicationClosed)] = "ApplicationClosed",
        [typeof(PolicyIssued)] = "PolicyIssued",
        [typeof(PremiumDue)] = "PremiumDue",
        [typeof(PremiumPaid)] = "PremiumPaid",
        [typeof(InsuredAdded)] = "InsuredAdded",
        [typeof(InsuredRemoved)] = "InsuredRemoved",
        [typeof(BeneficiaryDesignated)] = "BeneficiaryDesignated",
        [typeof(VehicleAdded)] = "VehicleAdded",
        [typeof(VehicleRemoved)] = "VehicleRemoved",
        [typeof(GracePeriodStarted)] = "GracePeriodStarted",
        [typeof(GracePeriodEnded)] = "GracePeriodEnded",
        [typeof(PolicySuspended)] = "PolicySuspended",
        [typeof(PolicyReinstated)] = "PolicyReinstated",
        [typeof(PolicyWithdrawnInCoolingOff)] = "PolicyWithdrawnInCoolingOff",
        [typeof(PolicyCancelled)] = "PolicyCancelled",
        [typeof(PolicyRenewed)] = "PolicyRenewed",
        [typeof(PolicyExpired)] = "PolicyExpired",
        [typeof(RenewalDue)] = "RenewalDue",
        [typeof(RenewalDeclined)] = "RenewalDeclined",
    };

    public static StoreOptions AddPolicies(this StoreOptions opts)
    {
        opts.Events.MapEventTypes(StoredEvents);
        // Declared, not created on first use: a document table made lazily by a node that has not met every tenant
        // would lack the partitions of the tenants it does not know (decision 0014).
        opts.Schema.For<SweepSlot>();
        return opts;
    }

    public static IEndpointRouteBuilder MapPolicies(this IEndpointRouteBuilder app)
    {
        IssuePolicyHandler.Map(app);
        DecideUnderwritingHandler.Map(app);
        AddInsuredHandler.Map(app);
        DesignateBeneficiariesHandler.Map(app);
        RemoveInsuredHandler.Map(app);
        AddVehicleHandler.Map(app);
        RemoveVehicleHandler.Map(app);
        PayPremiumHandler.Map(app);
        WithdrawPolicyHandler.Map(app);
        CancelPolicyHandler.Map(app);
        ReinstatePolicyHandler.Map(app);
        RenewPolicyHandler.Map(app);
        DeclineRenewalHandler.Map(app);
        return app;
    }
}
