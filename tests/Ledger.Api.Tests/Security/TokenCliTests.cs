using Ledger.Api.Tests.Infrastructure;

namespace Ledger.Api.Tests.Security;

/// <summary><c>ledger token</c> as a developer runs it.</summary>
public sealed class TokenCliTests(LedgerFixture fixture) : CliTest(fixture)
{
    [Fact]
    public async Task The_token_command_prints_one_token_the_api_accepts()
    {
        var (exit, output) = await Repo.RunLedgerAsync(["token", "--role", "support", "--name", "support.zhao"],
            new Dictionary<string, string?> { ["Ledger__Auth__SigningKey"] = Convert.ToBase64String(LedgerFixture.SigningKey) }, TimeSpan.FromMinutes(1));

        Assert.True(exit == 0, output);
        var token = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var answer = await Api.Send(HttpMethod.Get, "/households", null, [("Authorization", "Bearer " + token.Trim())]);
        Assert.Equal(200, answer.Code);
        var forbidden = await Api.Send(HttpMethod.Get, "/audit", null, [("Authorization", "Bearer " + token.Trim())]);
        Assert.Equal(403, forbidden.Code);

        (exit, output) = await Repo.RunLedgerAsync(["token", "--role", "boss", "--name", "x"], new Dictionary<string, string?>(), TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, exit);
        Assert.Contains("--role", output);
    }
}
