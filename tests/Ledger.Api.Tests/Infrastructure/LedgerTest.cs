namespace Ledger.Api.Tests.Infrastructure;

/// <summary>Base of the API tests: the shared host, raw HTTP, and the checks every refusal must pass.</summary>
[Collection(LedgerCollection.Name)]
public abstract class LedgerTest(LedgerFixture fixture)
{
    protected LedgerFixture Fixture { get; } = fixture;
    protected Api Api { get; } = new(fixture.Client);

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
