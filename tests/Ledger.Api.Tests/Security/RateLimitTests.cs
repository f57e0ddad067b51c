using System.Security.Claims;
using Ledger.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Tests.Security;

/// <summary>
/// The limiter the ledger configures, exercised directly: a per-user window of <c>Ledger:RateLimit:PerMinute</c>
/// requests, partitioned by the token's name, else by address. (The shared test host runs with a huge limit, so a
/// flood there would only slow every other test.)
/// </summary>
public sealed class RateLimitTests
{
    private static Microsoft.AspNetCore.RateLimiting.RateLimiterOptions LimiterFor(int perMinute)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ledger:RateLimit:PerMinute"] = perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ledger:Auth:SigningKey"] = Convert.ToBase64String(new byte[32]),
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddLedgerAuth(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>>().Value;
    }

    private static HttpContext As(string? name, string address = "10.0.0.1")
    {
        var http = new DefaultHttpContext();
        if (name is not null) http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], "test"));
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address);
        return http;
    }

    [Fact]
    public void A_user_gets_the_configured_number_of_requests_a_minute_then_is_refused_with_429_others_are_not_affected()
    {
        var options = LimiterFor(3);
        var limiter = options.GlobalLimiter!;

        Assert.All(Enumerable.Range(0, 3), _ => Assert.True(limiter.AttemptAcquire(As("clerk.wang")).IsAcquired));
        Assert.False(limiter.AttemptAcquire(As("clerk.wang")).IsAcquired);
        Assert.True(limiter.AttemptAcquire(As("clerk.li")).IsAcquired);
        Assert.Equal(StatusCodes.Status429TooManyRequests, options.RejectionStatusCode);
    }

    [Fact]
    public void Without_a_token_requests_are_counted_per_address()
    {
        var limiter = LimiterFor(1).GlobalLimiter!;

        Assert.True(limiter.AttemptAcquire(As(null, "10.0.0.1")).IsAcquired);
        Assert.False(limiter.AttemptAcquire(As(null, "10.0.0.1")).IsAcquired);
        Assert.True(limiter.AttemptAcquire(As(null, "10.0.0.2")).IsAcquired);
    }
}
