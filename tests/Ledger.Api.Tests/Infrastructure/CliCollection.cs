namespace Ledger.Api.Tests.Infrastructure;

/// <summary>
/// Tests that run <c>ledger</c> as a process: most of the suite's time goes into starting those, so they run beside
/// the in-process API tests, on a host and cluster of their own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<LedgerFixture>
{
    public const string Name = "cli";
}
