using Microsoft.Extensions.DependencyInjection;
namespace Ledger.Api.Tests.Infrastructure;

/// <summary>Base of the API tests: the shared host, raw HTTP, and the checks every refusal must pass.</summary>
[Collection(LedgerCollection.Name)]
public abstract class LedgerTest
{
    protected LedgerTest(LedgerFixture fixture)
    {
        Fixture = fixture;
        Api = new Api(fixture.Client);
        // One host serves the whole collection: whatever time an earlier test moved to, this test starts on the
        // same "today", so no test passes only because of the order xUnit happens to run them in.
        fixture.Clock.Reset(LedgerFixture.Start);
    }

    protected LedgerFixture Fixture { get; }
    protected Api Api { get; }

    /// <summary>A session over every tenant of the test host's one database, as the regulator's reads open one per database.</summary>
    protected async Task<Marten.IQuerySession> AcrossTenantsAsync()
    {
        var databases = Fixture.Host.Services.GetRequiredService<Ledger.Api.Hosting.TenantDatabases>();
        return databases.AcrossTenants(Assert.Single(await databases.AllAsync()));
    }

    /// <summary>
    /// Sends a request that must be refused: asserts the status, the problem+json content type and the stable
    /// code, and that not one event was appended anywhere.
    /// </summary>
    protected async Task<Answer> Refused(int status, string code, Func<Task<Answer>> send)
    {
        var before = await Fixture.CountEventsAsync();
        var answer = await send();
        Assert.True(answer.Code == status, $"expected {status} {code}, got {answer}");
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(code, answer.ProblemCode);
        Assert.Equal(before, await Fixture.CountEventsAsync());
        Assert.DoesNotContain("   at ", answer.Raw);
        return answer;
    }
}

/// <summary>
/// Base of the tests that run <c>ledger</c> as a process. They spend most of their time waiting for a process to
/// start, so they get a host and cluster of their own and run beside the other API tests instead of after them.
/// </summary>
[Collection(CliCollection.Name)]
public abstract class CliTest(LedgerFixture fixture) : LedgerTest(fixture);
