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

    /// <summary>The link as the ledger computed it until the canonical form was written straight to UTF-8: a tree of JsonNodes.</summary>
    private static string HashAsBefore(string previous, AuditChain.Link link, int linkVersion)
    {
        static System.Text.Json.Nodes.JsonNode? Canonical(System.Text.Json.Nodes.JsonNode? node) => node switch
        {
            System.Text.Json.Nodes.JsonObject o => new System.Text.Json.Nodes.JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => KeyValuePair.Create(kv.Key, Canonical(kv.Value)))),
            System.Text.Json.Nodes.JsonArray a => new System.Text.Json.Nodes.JsonArray(a.Select(Canonical).ToArray()),
            null => null,
            _ => System.Text.Json.Nodes.JsonNode.Parse(node.ToJsonString()),
        };
        var canonical = new System.Text.Json.Nodes.JsonObject
        {
            ["actor"] = link.Actor,
            ["causationId"] = link.CausationId,
            ["correlationId"] = link.CorrelationId,
            ["data"] = Canonical(System.Text.Json.Nodes.JsonNode.Parse(link.DataJson)),
            ["householdId"] = link.HouseholdId.ToString(),
        };
        if (linkVersion == 2) canonical["link"] = 2;
        canonical["operation"] = link.Operation;
        canonical["reason"] = link.Reason;
        canonical["recordedAt"] = AuditChain.Microseconds(link.RecordedAt);
        if (linkVersion == 1) canonical["sequence"] = link.Sequence;
        canonical["type"] = link.Type;
        canonical["version"] = link.Version;
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(previous + "\n" + canonical.ToJsonString())));
    }

    // Every link already stored was computed the old way: the new way must give the same bytes for any stored text.
    [Theory]
    [InlineData("""{"b":"\u00e9t\u00E9","a":"\"quoted\" \\ back\/slash"}""")]
    [InlineData("""{"text":"line\nbreak\ttab\u0001 <tag> & 'apos' + plus","emoji":"😀 家庭账户","Zed":1,"alpha":2}""")]
    [InlineData("""{"n":[1e5,-0,0.10,123456789012345678901234567890,-1.5E-7],"deep":{"z":{"y":[{"b":null,"a":true},false]}}}""")]
    [InlineData("""{"personId":"01a2132e-4d11-72de-851d-8ed92822cadb","name":"pii:v1:AbC+/=","relationship":"Child","amount":1800.00}""")]
    [InlineData("""{}""")]
    [InlineData("""{"é":1,"e":2,"E":3,"_":4,"ä":5}""")]
    public void A_link_hashes_exactly_as_the_tree_of_nodes_did(string data)
    {
        foreach (var version in new[] { 1, 2 })
        foreach (var link in new[] { Sample with { DataJson = data }, Sample with { DataJson = data, Actor = null, Reason = "原因 <x> & \"y\"", CausationId = null } })
            Assert.Equal(HashAsBefore(AuditChain.Genesis, link, version), AuditChain.Hash(AuditChain.Genesis, link, version));
    }

    [Fact]
    public void There_is_no_link_format_3()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AuditChain.Hash(AuditChain.Genesis, Sample, 3));
    }
}
