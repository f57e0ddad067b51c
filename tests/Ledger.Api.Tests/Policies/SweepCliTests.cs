using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Policies;

/// <summary><c>ledger sweep</c> as an operator runs it.</summary>
public sealed class SweepCliTests(LedgerFixture fixture) : CliTest(fixture)
{
    [Fact]
    public async Task The_sweep_command_records_what_was_due_by_the_date_it_is_given()
    {
        var (household, _) = await SweepTests.UnpaidPolicyAsync(Api);
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__Ledger"] = Fixture.ConnectionString, ["Ledger__SeedDemo"] = "false" };

        var (exit, output) = await Repo.RunLedgerAsync(["sweep", "--date", "2025-02-01"], environment, TimeSpan.FromMinutes(2));

        Assert.True(exit == 0, output);
        Assert.Contains("recorded", output);
        var types = await SweepTests.TypesAsync(Api, household);
        Assert.Contains("GracePeriodStarted", types);
        Assert.DoesNotContain("PolicySuspended", types);

        (exit, output) = await Repo.RunLedgerAsync(["sweep", "--date", "2999-01-01"], environment, TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, exit);
        Assert.Contains("up to today", output);
    }
}
