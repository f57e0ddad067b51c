using JasperFx.Events.Projections;

namespace Ledger.Api.Registers;

/// <summary>Registers across households (claims, policies, the automation report), kept by the async daemon.</summary>
public static class RegistersFeature
{
    public static StoreOptions AddRegisters(this StoreOptions opts)
    {
        opts.Projections.Add(new ClaimRegisterProjection(), ProjectionLifecycle.Async);
        opts.Projections.Add(new PolicyRegisterProjection(), ProjectionLifecycle.Async);
        opts.Projections.Add(new AutomationProjection(), ProjectionLifecycle.Async);
        return opts;
    }

    public static IEndpointRouteBuilder MapRegisters(this IEndpointRouteBuilder app)
    {
        RegisterEndpoints.Map(app);
        return app;
    }
}
