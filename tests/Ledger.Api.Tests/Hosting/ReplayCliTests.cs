using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Hosting;

/// <summary><c>ledger replay</c> and a start without any database, as a user runs them.</summary>
public sealed class ReplayCliTests(LedgerFixture fixture) : CliTest(fixture)
{
    [Fact]
    public async Task The_replay_command_prints_the_timeline_and_the_view()
    {
        var (id, _, number) = await Api.OpenHousehold("Zoë Martin");
        var spouse = await Api.Join(id, "Lucas Martin", "spouse", "1988-07-22");
        await Api.Post($"/households/{id}/members/{spouse}/leave", new { effectiveDate = "2025-05-31", cause = "moved" }, LedgerFixture.As("clerk.wang"));

        var (exit, output) = await Repo.RunLedgerAsync(["replay", number, "--to-version", "3", "--on", "2025-06-01"],
            new Dictionary<string, string?> { ["ConnectionStrings__Ledger"] = Fixture.ConnectionString, ["Ledger__SeedDemo"] = "false" },
            TimeSpan.FromMinutes(2));

        Assert.True(exit == 0, output);
        Assert.Contains("HouseholdOpened", output);
        Assert.Contains("MemberJoined", output);
        Assert.DoesNotContain("MemberLeft", output);
        Assert.Contains("Zoë Martin", output);
        Assert.Contains("Lucas Martin", output);
        Assert.Contains("View after version 3", output);

        (exit, output) = await Repo.RunLedgerAsync(["replay", id.ToString()],
            new Dictionary<string, string?> { ["ConnectionStrings__Ledger"] = Fixture.ConnectionString, ["Ledger__SeedDemo"] = "false" },
            TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, output);
        Assert.Contains("MemberLeft", output);
        Assert.Contains("clerk.wang", output);
    }

    [Fact]
    public async Task The_replay_command_fails_clearly_for_an_unknown_household()
    {
        var (exit, output) = await Repo.RunLedgerAsync(["replay", "HH99999999"],
            new Dictionary<string, string?> { ["ConnectionStrings__Ledger"] = Fixture.ConnectionString, ["Ledger__SeedDemo"] = "false" },
            TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, exit);
        Assert.Contains("No household 'HH99999999'", output);
    }

    [Fact]
    public async Task Without_a_database_or_server_binaries_ledger_names_the_ways_to_get_one()
    {
        var (exit, output) = await Repo.RunLedgerAsync([],
            new Dictionary<string, string?> { ["Ledger__PostgresBinDirectory"] = "/nonexistent/postgres/bin" },
            TimeSpan.FromMinutes(1));

        Assert.Equal(2, exit);
        Assert.Contains("apt-get install postgresql", output);
        Assert.Contains("docker compose up -d db", output);
        Assert.Contains("ConnectionStrings__Ledger", output);
    }
}
