using Ledger.Api.Security;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Api.Tests.Security;

/// <summary>Every endpoint the host really maps, against every role: the matrix of docs/security.md.</summary>
public sealed class AccessTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private static readonly HashSet<string> Public =
    [
        "/openapi/{documentName}.json", "/health/live", "/health/ready", "/docs/{documentName?}",
        // The console's page and its settings (no data) are read before sign-in; the development token exists in Development only.
        "/console/settings", "/console/{**path}", "/console/dev-token",
    ];

    private IReadOnlyList<(string Method, string Pattern, string? Policy)> Endpoints() =>
        Fixture.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (
                Method: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET",
                Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'),
                Policy: e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null)))
            .Where(e => !Public.Contains(e.Pattern) && !e.Pattern.StartsWith("/docs", StringComparison.Ordinal))
            .Distinct()
            .ToList();

    private static string Fill(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", _ => Guid.NewGuid().ToString());

    [Fact]
    public void Every_endpoint_names_an_access_policy()
    {
        var endpoints = Endpoints();
        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints found");
        Assert.All(endpoints, e => Assert.True(e.Policy is not null && Access.RolesFor.ContainsKey(e.Policy), $"{e.Method} {e.Pattern} has no access policy"));
    }

    [Fact]
    public async Task Every_endpoint_refuses_a_missing_token_and_every_role_it_does_not_grant()
    {
        var anonymous = new Ledger.Api.Tests.Infrastructure.Api(Fixture.Host.Server.CreateClient());
        foreach (var (method, pattern, policy) in Endpoints())
        {
            var url = Fill(pattern);
            var body = method == "POST" ? "{}" : null;
            var noToken = await anonymous.Send(new HttpMethod(method), url, body, [("Authorization", "")]);
            Assert.True(noToken.Code == 401, $"{method} {pattern} without a token: {noToken}");
            Assert.Equal("application/problem+json", noToken.ContentType);

            foreach (var role in Roles.All)
            {
                var answer = await Api.Send(new HttpMethod(method), url, body, [LedgerFixture.As($"{role}.user", role)]);
                var granted = Access.RolesFor[policy!].Contains(role);
                if (granted) Assert.True(answer.Code is not (401 or 403), $"{method} {pattern} as {role} should be allowed: {answer}");
                else Assert.True(answer.Code == 403, $"{method} {pattern} as {role} should be forbidden: {answer}");
            }
        }
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var forged = "Bearer " + LedgerAuth.CreateToken(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), "ledger", "ledger", "mallory", [Roles.Clerk], "default", TimeSpan.FromHours(1));
        var answer = await Api.Send(HttpMethod.Get, "/households", null, [("Authorization", forged)]);
        Assert.Equal(401, answer.Code);
    }

    [Fact]
    public async Task A_token_without_a_tenant_is_forbidden()
    {
        var key = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(LedgerFixture.SigningKey);
        var token = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            // The JWT handler checks expiry against the wall clock, not the tests' business clock.
            Issuer = "ledger", Audience = "ledger", Expires = NodaTime.SystemClock.Instance.GetCurrentInstant().Plus(NodaTime.Duration.FromHours(1)).ToDateTimeUtc(),
            Claims = new Dictionary<string, object> { ["name"] = "no.tenant", ["role"] = new[] { Roles.Support } },
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });

        var answer = await Api.Send(HttpMethod.Get, "/households", null, [("Authorization", "Bearer " + token)]);

        Assert.Equal(403, answer.Code);
    }

    [Fact]
    public async Task The_actor_is_the_token_holder_not_a_header()
    {
        var (household, _, _) = await Api.OpenHousehold();
        await Api.Post($"/households/{household}/members", new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2025-01-01" },
            LedgerFixture.As("clerk.wang"), ("X-Actor", "someone.else"));

        var history = await Api.Get($"/households/{household}/history");

        Assert.Equal("clerk.wang", history.Json[2].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Answers_carry_security_headers()
    {
        using var response = await Fixture.Client.GetAsync("/health/live");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}
