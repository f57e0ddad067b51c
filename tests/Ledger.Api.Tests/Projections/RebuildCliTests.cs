using Ledger.Api.Tests.Infrastructure;
using Npgsql;

namespace Ledger.Api.Tests.Projections;

/// <summary><c>ledger projections rebuild</c> as an operator runs it, over households written through the API.</summary>
public sealed class RebuildCliTests(LedgerFixture fixture) : CliTest(fixture)
{
    private const string Tenant = "rebuilt";
    private const string Other = "untouched";

    [Fact]
    public async Task Rebuilding_the_audit_trail_writes_the_same_rows_again_and_the_chain_still_verifies()
    {
        var households = await WriteHouseholdsAsync(Tenant, 3);
        var before = await AuditRowsAsync(Tenant);
        Assert.True(before.Count >= 3 * 4, $"only {before.Count} rows");

        // Three events per transaction: households cross pages, so links follow heads carried from the page before.
        var output = await RebuildAsync("--projection", "AuditTrailProjection", "--tenant", Tenant, "--page", "3");

        Assert.Matches(@"Rebuilt AuditTrailProjection for tenant 'rebuilt': [\d,]+ events in [\d.]+ s", output);
        Assert.Equal(before, await AuditRowsAsync(Tenant));
        foreach (var household in households)
        {
            var verified = await Api.Get($"/audit/verify?householdId={household}", Token(Tenant));
            Assert.True(verified.Json.GetProperty("verified").GetBoolean(), verified.ToString());
        }
        // Twice is the same as once: a rebuild replaces rows, it never adds a second link for an event.
        await RebuildAsync("--projection", "AuditTrailProjection", "--tenant", Tenant);
        Assert.Equal(before, await AuditRowsAsync(Tenant));
    }

    [Fact]
    public async Task A_rebuild_of_one_projection_for_one_tenant_leaves_every_other_tenant_alone()
    {
        await WriteHouseholdsAsync(Tenant, 2);
        await WriteHouseholdsAsync(Other, 1);
        var views = await RowsAsync("select id::text || ' ' || data::text from ledger.mt_doc_household where tenant_id = $1 order by id", Tenant);
        var otherAudit = await AuditRowsAsync(Other);
        await ExecuteAsync("delete from ledger.mt_doc_household where tenant_id = any($1)", new[] { Tenant, Other });

        await RebuildAsync("--projection", "Household", "--tenant", Tenant);

        Assert.Equal(views, await RowsAsync("select id::text || ' ' || data::text from ledger.mt_doc_household where tenant_id = $1 order by id", Tenant));
        Assert.Empty(await RowsAsync("select id::text from ledger.mt_doc_household where tenant_id = $1", Other));
        Assert.Equal(otherAudit, await AuditRowsAsync(Other));
    }

    [Fact]
    public async Task Rebuilding_every_projection_in_turn_leaves_the_views_the_snapshots_and_the_audit_rows_as_they_were()
    {
        const string tenant = "rebuilt-all";
        var token = Token(tenant);
        var opened = await Api.Post("/households", new { holder = new { name = "张伟", dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }, token);
        var household = opened.Id("householdId");
        // Past two snapshot intervals: the time-travel copies are rebuilt with everything else.
        for (var i = 0; i < 2 * Ledger.Domain.Households.HouseholdSnapshots.Every / 2 + 1; i++)
        {
            var child = await Api.Post($"/households/{household}/members",
                new { name = $"王磊{i}", dateOfBirth = "2015-06-18", relationship = "child", effectiveDate = "2025-01-01" }, token);
            Assert.True(child.Code == 201, child.ToString());
            var left = await Api.Post($"/households/{household}/members/{child.Id("personId")}/leave", new { effectiveDate = "2025-05-01", cause = "moved" }, token);
            Assert.True(left.Code is 200 or 201, left.ToString());
        }
        const string views = "select id::text || ' ' || data::text from ledger.mt_doc_household where tenant_id = $1 order by id";
        const string snapshots = "select id || ' ' || data::text from ledger.mt_doc_householdsnapshot where tenant_id = $1 order by id";
        var (viewsBefore, snapshotsBefore, auditBefore) = (await RowsAsync(views, tenant), await RowsAsync(snapshots, tenant), await AuditRowsAsync(tenant));
        Assert.Equal(2, snapshotsBefore.Count);

        var output = await RebuildAsync("--tenant", tenant);

        Assert.Contains("HouseholdSnapshots", output);
        Assert.Equal(viewsBefore, await RowsAsync(views, tenant));
        Assert.Equal(snapshotsBefore, await RowsAsync(snapshots, tenant));
        Assert.Equal(auditBefore, await AuditRowsAsync(tenant));
    }

    [Fact]
    public async Task An_unknown_projection_is_refused_with_the_names_there_are()
    {
        var (exit, output) = await Repo.RunLedgerAsync(["projections", "rebuild", "--projection", "Nothing"], Environment(), TimeSpan.FromMinutes(2));

        Assert.NotEqual(0, exit);
        Assert.Contains("'Nothing' is not a projection", output);
        Assert.Contains("AuditTrailProjection", output);
        Assert.DoesNotContain("   at ", output);
    }

    /// <summary>Households opened through the API, each with a child joining and leaving: five events, three operations.</summary>
    private async Task<List<Guid>> WriteHouseholdsAsync(string tenant, int count)
    {
        var token = Token(tenant);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var opened = await Api.Post("/households", new { holder = new { name = $"张伟{i}", dateOfBirth = "1985-04-12" }, openedOn = "2025-01-01" }, token);
            Assert.True(opened.Code == 201, opened.ToString());
            var household = opened.Id("householdId");
            var child = await Api.Post($"/households/{household}/members",
                new { name = "王磊", dateOfBirth = "2015-06-18", relationship = "child", effectiveDate = "2025-01-01" }, token);
            Assert.True(child.Code == 201, child.ToString());
            var left = await Api.Post($"/households/{household}/members/{child.Id("personId")}/leave", new { effectiveDate = "2025-05-01", cause = "moved" }, token);
            Assert.True(left.Code is 200 or 201, left.ToString());
            ids.Add(household);
        }
        return ids;
    }

    private static (string, string) Token(string tenant) => ("Authorization", "Bearer " + Ledger.Api.Security.LedgerAuth.CreateToken(
        LedgerFixture.SigningKey, "ledger", "ledger", "rebuild.clerk", Ledger.Api.Security.Roles.All, tenant, TimeSpan.FromHours(1)));

    /// <summary>Every column of the tenant's audit rows a regulator or Marten reads, but Marten's own bookkeeping.</summary>
    private Task<List<string>> AuditRowsAsync(string tenant) => RowsAsync(
        "select id || ' ' || data::text || ' ' || sequence || ' ' || household_id || ' ' || recorded_at from ledger.mt_doc_auditentry where tenant_id = $1 order by id",
        tenant);

    private async Task<string> RebuildAsync(params string[] args)
    {
        var (exit, output) = await Repo.RunLedgerAsync(["projections", "rebuild", .. args], Environment(), TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("\u001b[", output); // no progress bar when the output is not a terminal
        return output;
    }

    private Dictionary<string, string?> Environment() =>
        new() { ["ConnectionStrings__Ledger"] = Fixture.ConnectionString, ["Ledger__SeedDemo"] = "false" };

    private async Task<List<string>> RowsAsync(string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(parameter);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private async Task ExecuteAsync(string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(parameter);
        await command.ExecuteNonQueryAsync();
    }
}
