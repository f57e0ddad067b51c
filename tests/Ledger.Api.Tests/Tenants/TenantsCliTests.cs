using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Tenants;

/// <summary><c>ledger tenants</c> on the test host's database: what it lists, and the arguments it refuses.</summary>
public sealed class TenantsCliTests(LedgerFixture fixture) : CliTest(fixture)
{
    private Dictionary<string, string?> Environment => new() { ["ConnectionStrings__Ledger"] = Fixture.ConnectionString, ["Ledger__SeedDemo"] = "false" };

    [Fact]
    public async Task The_list_names_the_default_database_and_the_tenants_in_it()
    {
        await Api.OpenHousehold("列表户");
        var (exit, output) = await Repo.RunLedgerAsync(["tenants", "list"], Environment, TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, output);
        Assert.Contains("default\tdefault", output);
    }

    [Theory]
    [InlineData("add", "insurer b", "--connection", "Host=127.0.0.1;Database=other")]
    [InlineData("add", "o'brien", "--connection", "Host=127.0.0.1;Database=other")]
    [InlineData("add", "fresh")]
    [InlineData("add", "fresh", "--connection", "Hots=nowhere;;=")]
    [InlineData("add", "default", "--connection", "Host=127.0.0.1;Database=other")]
    [InlineData("move", "default")]
    public async Task Bad_arguments_are_refused_with_a_clear_error_and_place_nothing(params string[] args)
    {
        var (_, before) = await Repo.RunLedgerAsync(["tenants", "list"], Environment, TimeSpan.FromMinutes(2));

        var (exit, output) = await Repo.RunLedgerAsync(["tenants", .. args], Environment, TimeSpan.FromMinutes(2));

        Assert.True(exit != 0, output);
        Assert.Matches("tenant name|--connection|already in database|Unknown action", output);
        Assert.DoesNotContain("   at ", output);
        var (_, after) = await Repo.RunLedgerAsync(["tenants", "list"], Environment, TimeSpan.FromMinutes(2));
        Assert.Equal(before, after);
    }
}
