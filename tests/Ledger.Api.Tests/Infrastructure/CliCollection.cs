namespace Ledger.Api.Tests.Infrastructure;

/// <summary>Tests that run the <c>ledger</c> executable as a separate process: slow, so kept apart from the API tests.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection
{
    public const string Name = "cli";
}
