using JasperFx.Events.Projections;

namespace Ledger.Api.Audit;

/// <summary>The regulator's audit trail: hash-chained rows written inline with the events, verification, digests, exports.</summary>
public static class AuditFeature
{
    public static StoreOptions AddAudit(this StoreOptions opts)
    {
        // After the household view (LedgerSetup adds the households first): the audit trail takes the chain head from
        // the household the view is about to store.
        // No teardown for Marten's daemon rebuild: it would delete the rows and link everything again in the current format,
        // changing every v1 hash; without one it does not run (Marten 9.58 answers NotSupportedException, and over existing rows
        // the primary key would refuse a second link). `ledger projections rebuild`
        // rebuilds the trail keeping each row's format (AuditTrailRebuild).
        opts.Projections.Add(new AuditTrailProjection(), ProjectionLifecycle.Inline);
        opts.Schema.For<AuditEntry>(); // its columns and indexes: AuditEntry.ConfigureMarten
        // Declared, not created on first use (see PoliciesFeature): the published digests and the read log.
        opts.Schema.For<PublishedDigest>();
        opts.Schema.For<Ledger.Api.Security.AccessLogEntry>();
        return opts;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        AuditEndpoints.Map(app);
        FhirExport.Map(app);
        return app;
    }
}
