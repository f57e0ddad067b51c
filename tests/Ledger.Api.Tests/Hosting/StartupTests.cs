using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Model;
using Ledger.Api.Hosting;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Wolverine;

namespace Ledger.Api.Tests.Hosting;

/// <summary>What the first request after start-up meets: code compiled at build time, paths already run once.</summary>
public sealed class StartupTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    [Fact]
    public void Wolverine_loads_the_handlers_compiled_with_the_ledger_and_generates_none_at_run_time()
    {
        var services = Fixture.Host.Services;
        Assert.Equal(TypeLoadMode.Static, services.GetRequiredService<WolverineOptions>().CodeGeneration.TypeLoadMode);
        // Fails when a handler was added or changed without `codegen write` (README, "Generated code").
        foreach (var collection in services.GetServices<ICodeFileCollection>())
            collection.AssertPreBuildTypesExist(services);
    }

    [Fact]
    public async Task Readiness_waits_for_the_warm_up_which_leaves_nothing_behind()
    {
        var warmUp = ActivatorUtilities.CreateInstance<WarmUp>(Fixture.Host.Services);
        Assert.Equal(HealthStatus.Unhealthy, (await warmUp.CheckHealthAsync(new HealthCheckContext())).Status);

        var before = await CountRowsAsync();
        await warmUp.RunOnceAsync(CancellationToken.None);
        Assert.Equal(before, await CountRowsAsync());

        await warmUp.StartAsync(CancellationToken.None);
        await warmUp.Completed.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(HealthStatus.Healthy, (await warmUp.CheckHealthAsync(new HealthCheckContext())).Status);
        await warmUp.StopAsync(CancellationToken.None);
        Assert.Equal(before, await CountRowsAsync());

        // The host's own warm-up is one of the readiness checks.
        await Fixture.Host.Services.GetRequiredService<WarmUp>().Completed.WaitAsync(TimeSpan.FromMinutes(1));
        var ready = await Api.Get("/health/ready");
        Assert.Equal(200, ready.Code);
        Assert.Equal("Healthy", ready.Json.GetProperty("checks").GetProperty("warmUp").GetProperty("status").GetString());
    }

    private async Task<string> CountRowsAsync()
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select (select count(*) from ledger.mt_events) || ' events, ' || (select count(*) from ledger.mt_streams) || ' streams, '
                || (select count(*) from ledger.mt_doc_household) || ' households, ' || (select count(*) from ledger.mt_doc_auditentry) || ' audit rows, '
                || (select count(*) from ledger.mt_doc_personkey) || ' keys'
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
