using Ledger.Api.Audit;

namespace Ledger.Api.Tests.Audit;

/// <summary>The link formats themselves, without a database: what a regulator's own implementation must reproduce.</summary>
public sealed class AuditLinkTests
{
    private static readonly AuditChain.Link Sample = new(
        Guid.Parse("0196b4f2-5a1e-7c3d-9f00-2b6e1d4c8a10"), 3, 1042, "MemberJoined",
        new DateTimeOffset(2025, 3, 21, 2, 14, 9, TimeSpan.Zero).AddTicks(1_234_567), "clerk.li", "出生证明已收到", "JoinMember",
        "4bf92f3577b34da6a3ce929d0e0e4736", "http:0HNQB0F4LHEK3",
        """{"relationship":"child","name":"pii:v1:ab+c/==","amount":1800.00,"nested":{"b":1,"a":[2,1]},"idNumber":null}""");

    // Computed by the ledger at f7e60bf, before link v2 existed: every v1 link already stored depends on these.
    [Fact]
    public void A_v1_link_hashes_as_the_ledger_always_did()
    {
        var first = AuditChain.Hash(AuditChain.Genesis, Sample, 1);
        Assert.Equal("3128fb1c1d3f6dcf2c4331bf4ac403ee1c7dbfe819e63dc07b10444df49995cf", first);
        Assert.Equal("b9d30f95212c3d595aa5f4b3ef8ef451e492e26acde16f93c91291b140495795",
            AuditChain.Hash(first, Sample with { Version = 4, Sequence = 1043 }, 1));
    }

    [Fact]
    public void A_v2_link_leaves_the_sequence_out_and_covers_everything_else()
    {
        var hash = AuditChain.Hash(AuditChain.Genesis, Sample, 2);
        Assert.Equal(hash, AuditChain.Hash(AuditChain.Genesis, Sample with { Sequence = 7 }, 2));
        Assert.NotEqual(hash, AuditChain.Hash(AuditChain.Genesis, Sample, 1));
        Assert.All(new[]
        {
            Sample with { Version = 4 }, Sample with { Type = "MemberLeft" }, Sample with { RecordedAt = Sample.RecordedAt.AddTicks(10) },
            Sample with { Actor = "clerk.wang" }, Sample with { Reason = null }, Sample with { Operation = "LeaveHousehold" },
            Sample with { CorrelationId = "x" }, Sample with { CausationId = "y" }, Sample with { HouseholdId = Guid.Empty },
            Sample with { DataJson = Sample.DataJson.Replace("1800.00", "1800.01") },
        }, changed => Assert.NotEqual(hash, AuditChain.Hash(AuditChain.Genesis, changed, 2)));
        Assert.NotEqual(hash, AuditChain.Hash(new string('1', 64), Sample, 2));
    }

    [Fact]
    public void There_is_no_link_format_3()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AuditChain.Hash(AuditChain.Genesis, Sample, 3));
    }
}
