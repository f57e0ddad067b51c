using Ledger.Api.Security;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ledger.Api.Tests.Security;

/// <summary>
/// A validly signed token must name exactly one insurer. One that names none, a blank one or several is refused
/// with a problem, and never reads or writes the <c>default</c> tenant.
/// </summary>
public sealed class TenantClaimTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    /// <summary>A token signed with the test host's key, its <c>tenant</c> claim exactly as given (or left out).</summary>
    private static (string, string) Bearer(object? tenant)
    {
        var claims = new Dictionary<string, object> { ["name"] = "tenant.probe", ["role"] = new[] { Roles.Clerk, Roles.Support } };
        if (tenant is not null) claims[LedgerAuth.Tenant] = tenant;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            // The JWT handler checks expiry against the wall clock, not the tests' business clock.
            Issuer = "ledger", Audience = "ledger", Expires = NodaTime.SystemClock.Instance.GetCurrentInstant().Plus(NodaTime.Duration.FromHours(1)).ToDateTimeUtc(),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(LedgerFixture.SigningKey), SecurityAlgorithms.HmacSha256),
        });
        return ("Authorization", "Bearer " + token);
    }

    public static TheoryData<object> UnusableTenants => new()
    {
        "",
        "   ",
        "\t",
        new[] { "" },
        new[] { "", "default" },
        new[] { "default", "insurer-b" },
        7,
        "*DEFAULT*", // Marten's own tenant of sessions opened without one
        // Marten names a tenant's table partitions after it: no quotes or backslashes, and short enough for a PostgreSQL name.
        "o'brien",
        "say\"cheese\"",
        "back\\slash",
        new string('t', Ledger.Api.Security.Tenancy.MaxNameLength + 1),
    };

    [Theory]
    [MemberData(nameof(UnusableTenants))]
    public async Task A_token_without_exactly_one_tenant_reads_and_writes_nothing(object tenant)
    {
        // A household of the default tenant, which a fallback would expose.
        var (household, _, number) = await Api.OpenHousehold("默认户");
        var token = Bearer(tenant);

        foreach (var url in new[] { $"/households/{household}", $"/households?number={number}", $"/households/{household}/history" })
        {
            var read = await Refused(403, "Forbidden", () => Api.Get(url, token));
            Assert.DoesNotContain(number, read.Raw);
        }
        await Refused(403, "Forbidden", () => Api.Post($"/households/{household}/members",
            new { name = "李娜", dateOfBirth = "2015-06-18", relationship = "child", effectiveDate = "2025-01-01" }, token));
        await Refused(403, "Forbidden", () => Api.Post("/households",
            new { holder = new { name = "李娜", dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }, token));
    }

    [Fact]
    public async Task A_token_naming_one_tenant_reads_it()
    {
        var (household, _, _) = await Api.OpenHousehold("默认户");

        var answer = await Api.Get($"/households/{household}", Bearer("default"));

        Assert.Equal(200, answer.Code);
    }

    [Fact]
    public async Task A_token_without_a_tenant_claim_is_refused_with_a_problem()
    {
        await Refused(403, "Forbidden", () => Api.Get("/households", Bearer(null)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("insurer a")]
    public void The_token_command_mints_no_token_for_an_unusable_tenant(string tenant)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ledger:Auth:SigningKey"] = Convert.ToBase64String(LedgerFixture.SigningKey) })
            .Build();

        Assert.Equal(1, TokenCommand.Run(["--role", Roles.Clerk, "--name", "clerk.li", "--tenant", tenant], configuration));
    }
}
