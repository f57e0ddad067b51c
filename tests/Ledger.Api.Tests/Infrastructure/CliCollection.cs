namespace Ledger.Api.Tests.Infrastructure;

/// <summary>The tests that start <c>ledger</c> processes: their own fixture, run in parallel with <see cref="LedgerCollection"/>.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<LedgerFixture>
{
    public const string Name = "cli";
}
