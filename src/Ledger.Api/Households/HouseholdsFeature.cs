using JasperFx.Events.Projections;
using Ledger.Domain.Households;

namespace Ledger.Api.Households;

/// <summary>Households and their members: the stream, its inline view, and the writes that open, change and split it.</summary>
public static class HouseholdsFeature
{
    /// <summary>Stored event names: the contract with every stream already written. A class may be renamed, a stored name never.</summary>
    public static readonly IReadOnlyDictionary<Type, string> StoredEvents = new Dictionary<Type, string>
    {
        [typeof(HouseholdOpened)] = "HouseholdOpened",
        [typeof(MemberJoined)] = "MemberJoined",
        [typeof(MemberLeft)] = "MemberLeft",
        [typeof(MemberDetailsCorrected)] = "MemberDetailsCorrected",
        [typeof(HouseholdSplit)] = "HouseholdSplit",
        [typeof(ConsentRecorded)] = "ConsentRecorded",
        [typeof(ConsentWithdrawn)] = "ConsentWithdrawn",
        [typeof(ErasureRequested)] = "ErasureRequested",
        [typeof(ProcessingRestricted)] = "ProcessingRestricted",
        [typeof(PersonalDataShredded)] = "PersonalDataShredded",
    };

    public static StoreOptions AddHouseholds(this StoreOptions opts)
    {
        opts.Events.MapEventTypes(StoredEvents);
        opts.Projections.Add(new HouseholdProjection(), ProjectionLifecycle.Inline);
        // After the view: the snapshots copy the household it has just folded (time travel, HouseholdTimeTravel.cs).
        opts.AddHouseholdSnapshots();
        // The sweep's index of due households, kept by the household projection's side effect.
        Policies.SweepIndex.Configure(opts);
        opts.Schema.For<Household>().Duplicate(h => h.Number, configure: index => index.IsUnique = true);
        opts.Schema.For<IdempotentWrite>();
        return opts;
    }

    public static IEndpointRouteBuilder MapHouseholds(this IEndpointRouteBuilder app)
    {
        OpenHouseholdHandler.Map(app);
        JoinMemberHandler.Map(app);
        LeaveHouseholdHandler.Map(app);
        CorrectMemberDetailsHandler.Map(app);
        RecordConsentHandler.Map(app);
        RequestErasureHandler.Map(app);
        SplitHouseholdHandler.Map(app);
        ReadHousehold.Map(app);
        return app;
    }
}

/// <summary>
/// Every stored event name, from every feature. docs/events.md lists them (a test keeps the two in step).
/// </summary>
public static class EventCatalogue
{
    public static readonly IReadOnlyDictionary<Type, string> StoredNames =
        new[] { HouseholdsFeature.StoredEvents, Policies.PoliciesFeature.StoredEvents, Claims.ClaimsFeature.StoredEvents }
            .SelectMany(names => names).ToDictionary();

    /// <summary>Maps each event class to its stored name.</summary>
    public static void MapEventTypes(this Marten.Events.IEventStoreOptions events, IReadOnlyDictionary<Type, string> names)
    {
        foreach (var (type, name) in names) events.MapEventType(type, name);
    }
}
