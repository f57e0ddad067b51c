using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Households;
using Ledger.Api.Hosting;
using Ledger.Api.Policies;
using Ledger.Api.Privacy;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Domain.Households;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using Wolverine;

namespace Ledger.Api.Tests.Households;

/// <summary>
/// Time travel from snapshots (HouseholdTimeTravel): `coverage?knownAt=` and `history/{version}` answer exactly what
/// Marten's full fold answers, on either side of every kept copy, for households with and without copies; the copies
/// hold personal data sealed, so erasure still erases, and a rebuild of the projection writes them again.
/// </summary>
public sealed class TimeTravelTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private const string On = "2025-06-15";

    private const long N = HouseholdSnapshots.Every;

    private IDocumentStore Store => Fixture.Host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>
    /// Single-event writes a minute apart until the household is at <paramref name="version"/>: the holder's marketing
    /// consent given and withdrawn, every seventh write a correction of the spouse's name (personal data, sealed).
    /// </summary>
    private async Task WriteUntilAsync(Guid household, Guid holder, Guid spouse, long version)
    {
        for (var (current, given) = ((await Api.Get($"/households/{household}")).Long("version"), true); current < version; given = !given)
        {
            Fixture.Clock.Advance(Duration.FromMinutes(1));
            var answer = current % 7 == 0
                ? await Api.Post($"/households/{household}/members/{spouse}/corrections", new { name = $"李娜{current}" })
                : await Api.Post($"/households/{household}/members/{holder}/consents", new { purpose = "marketing", given, effectiveDate = "2025-01-01" });
            Assert.True(answer.Code is 200 or 201, answer.ToString());
            current = answer.Long("version");
        }
    }

    private async Task<(Guid Household, Guid Holder, Guid Spouse)> HouseholdAsync(long version)
    {
        var (household, holder, _) = await Api.OpenHousehold("张伟", "2024-06-01");
        var spouse = (await Api.Post($"/households/{household}/members",
            new { name = "李娜", dateOfBirth = "1987-09-03", relationship = "spouse", effectiveDate = "2024-06-01", idNumber = "110101198709030022" })).Id("personId");
        await WriteUntilAsync(household, holder, spouse, version);
        return (household, holder, spouse);
    }

    private async Task<List<HouseholdSnapshot>> SnapshotsAsync(Guid household)
    {
        await using var session = Store.QuerySession(Ledger.Api.Security.Tenancy.Default);
        return (await session.Query<HouseholdSnapshot>().Where(s => s.HouseholdId == household).OrderBy(s => s.Version).ToListAsync()).ToList();
    }

    private async Task<IReadOnlyList<JasperFx.Events.IEvent>> EventsAsync(Guid household)
    {
        await using var session = Store.QuerySession(Ledger.Api.Security.Tenancy.Default);
        return await session.Events.FetchStreamAsync(household);
    }

    /// <summary>What the endpoint answered before snapshots: Marten's fold of the whole stream, revealed, evaluated on <see cref="On"/>.</summary>
    private async Task<JsonNode?> MartenAsync(Guid household, long version = 0, Instant? knownAt = null)
    {
        await using var session = Store.QuerySession(Ledger.Api.Security.Tenancy.Default);
        var folded = await session.Events.AggregateStreamAsync<Household>(household, version: version, timestamp: knownAt?.ToDateTimeOffset());
        var revealed = await PersonalDataVault.RevealAsync(session, folded, CancellationToken.None);
        return revealed is null ? null : JsonSerializer.SerializeToNode(CoverageView.Of(revealed, new LocalDate(2025, 6, 15), knownAt), LedgerJson.Options);
    }

    /// <summary>Every version and every recorded instant (and a tick before each) answer as Marten's full fold.</summary>
    private async Task AssertEveryAnswerIsMartensAsync(Guid household, IEnumerable<long>? onlyVersions = null)
    {
        var events = await EventsAsync(household);
        foreach (var version in onlyVersions ?? events.Select(e => e.Version))
        {
            var answer = await Api.Get($"/households/{household}/history/{version}?on={On}");
            Assert.True(answer.Code == 200, $"v{version}: {answer}");
            Assert.True(JsonNode.DeepEquals(await MartenAsync(household, version: version), JsonNode.Parse(answer.Raw)), $"history/{version}: {answer.Raw}");
        }
        var instants = events.Select(e => Instant.FromDateTimeOffset(e.Timestamp)).Distinct()
            .Where((_, i) => onlyVersions is null || i % 3 == 0)
            .SelectMany(at => new[] { at - Duration.FromMilliseconds(1), at });
        foreach (var knownAt in instants)
        {
            var answer = await Api.Get($"/households/{household}/coverage?on={On}&knownAt={LedgerJson.Format(knownAt)}");
            var expected = await MartenAsync(household, knownAt: knownAt);
            if (expected is null) Assert.Equal(404, answer.Code);
            else Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(answer.Raw)), $"knownAt={LedgerJson.Format(knownAt)}: {answer.Raw}");
        }
    }

    [Fact]
    public async Task A_household_of_two_and_a_half_intervals_answers_known_at_and_replay_as_Martens_full_fold_on_both_sides_of_each_snapshot()
    {
        var (household, _, _) = await HouseholdAsync(2 * N + N / 2);

        var snapshots = await SnapshotsAsync(household);
        Assert.Equal([N, 2 * N], snapshots.Select(s => s.Version));
        var events = await EventsAsync(household);
        Assert.All(snapshots, s => Assert.Equal(events[(int)s.Version - 1].Timestamp, s.RecordedAt));
        await AssertEveryAnswerIsMartensAsync(household,
            [1, 2, 3, N / 2, N - 2, N - 1, N, N + 1, N + 2, N + N / 2, 2 * N - 1, 2 * N, 2 * N + 1, 2 * N + 2, 2 * N + N / 2 - 1, 2 * N + N / 2]);
    }

    [Fact]
    public async Task A_write_that_reaches_a_multiple_of_the_interval_stores_a_sealed_snapshot_with_it()
    {
        var (household, holder, spouse) = await HouseholdAsync(HouseholdSnapshots.Every - 1);
        Assert.Empty(await SnapshotsAsync(household));

        await WriteUntilAsync(household, holder, spouse, HouseholdSnapshots.Every);

        var snapshot = Assert.Single(await SnapshotsAsync(household));
        Assert.Equal(HouseholdSnapshot.IdOf(household, HouseholdSnapshots.Every), snapshot.Id);
        Assert.Equal(HouseholdSnapshots.Every, snapshot.Household.Version);
        Assert.Null(snapshot.Household.AuditHead);
        Assert.All(snapshot.Household.People, p => Assert.True(PersonalDataVault.IsProtected(p.Name), p.Name));
        var raw = await RawSnapshotsAsync(household);
        Assert.DoesNotContain("李娜", raw);
        Assert.DoesNotContain("张伟", raw);
        Assert.DoesNotContain("110101198709030022", raw);
    }

    [Fact]
    public async Task A_write_of_several_events_that_steps_over_a_multiple_leaves_one_snapshot_at_its_last_version()
    {
        var (household, holder, _) = await HouseholdAsync(N - 1);

        Fixture.Clock.Advance(Duration.FromMinutes(1));
        var issued = await Api.Post($"/households/{household}/policies", new
        {
            category = "medical", productCode = "MED-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
            insured = new[] { new { personId = holder, annualPremium = 1825m } },
        });
        Assert.Equal(201, issued.Code);
        var after = (await Api.Get($"/households/{household}")).Long("version");
        Assert.True(after > N, $"the policy's events end at version {after}");

        Assert.Equal([after], (await SnapshotsAsync(household)).Select(s => s.Version));
        await AssertEveryAnswerIsMartensAsync(household, [N - 1, N, after - 1, after]);
    }

    [Fact]
    public async Task A_household_written_before_snapshots_existed_is_folded_whole_and_answers_the_same()
    {
        var (household, _, _) = await HouseholdAsync(N + 30);
        await DeleteSnapshotsAsync(household);

        await AssertEveryAnswerIsMartensAsync(household, [1, 2, N - 1, N, N + 1, N + 30]);
    }

    [Fact]
    public async Task After_erasure_every_as_of_answer_from_a_snapshot_shows_the_person_erased()
    {
        var (household, holder, spouse) = await HouseholdAsync(N + 10);
        var daughter = (await Api.Post($"/households/{household}/members",
            new { name = "李小红", dateOfBirth = "2010-03-01", relationship = "child", effectiveDate = "2024-06-01", idNumber = "110101201003010021" })).Id("personId");
        await WriteUntilAsync(household, holder, spouse, 2 * N + 5);
        var beforeErasure = Fixture.Clock.GetCurrentInstant();
        var remembered = await Api.Get($"/households/{household}/coverage?on={On}&knownAt={LedgerJson.Format(beforeErasure)}");
        Assert.Contains("李小红", remembered.Raw);

        Fixture.Clock.Advance(Duration.FromMinutes(1));
        Assert.Equal(200, (await Api.Post($"/households/{household}/members/{daughter}/erasure", new { requestedOn = "2025-06-10", reason = "Please delete" })).Code);
        using (var scope = Fixture.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<SweepResult>(new RunSweep(new LocalDate(2025, 6, 15)));
        Assert.Contains(await EventsAsync(household), e => e.Data is PersonalDataShredded);

        Assert.Equal([N, 2 * N], (await SnapshotsAsync(household)).Select(s => s.Version));
        foreach (var path in new[]
                 {
                     $"coverage?on={On}&knownAt={LedgerJson.Format(beforeErasure)}",
                     $"coverage?on={On}&knownAt={LedgerJson.Format(Fixture.Clock.GetCurrentInstant())}",
                     $"history/{N + 12}?on={On}", $"history/{2 * N}?on={On}", $"history/{2 * N + 1}?on={On}",
                 })
        {
            var answer = await Api.Get($"/households/{household}/{path}");
            Assert.True(answer.Code == 200, $"{path}: {answer}");
            var member = answer.Json.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("personId").GetGuid() == daughter);
            Assert.Equal("[erased]", member.GetProperty("name").GetString());
            Assert.Equal("[erased]", member.GetProperty("idNumber").GetString());
            Assert.DoesNotContain("李小红", answer.Raw);
        }
        Assert.DoesNotContain("李小红", await RawSnapshotsAsync(household));
    }

    [Fact]
    public async Task Rebuilding_the_snapshot_projection_writes_the_same_snapshots_again()
    {
        var (household, _, _) = await HouseholdAsync(2 * N + 30);
        var before = (await SnapshotsAsync(household)).Select(s => (s.Version, s.RecordedAt, JsonSerializer.Serialize(s.Household, LedgerJson.Options))).ToList();
        Assert.Equal([N, 2 * N], before.Select(s => s.Version));
        await DeleteSnapshotsAsync(household);

        using (var daemon = await Store.BuildProjectionDaemonAsync(Ledger.Api.Hosting.TenantDatabases.Default))
            await daemon.RebuildProjectionAsync(HouseholdSnapshotProjection.Name, CancellationToken.None);

        var after = (await SnapshotsAsync(household)).Select(s => (s.Version, s.RecordedAt, JsonSerializer.Serialize(s.Household, LedgerJson.Options))).ToList();
        Assert.Equal(before, after);
        await AssertEveryAnswerIsMartensAsync(household, [N - 1, N, N + 1, 2 * N, 2 * N + 30]);
    }

    private async Task DeleteSnapshotsAsync(Guid household)
    {
        await using (var session = Store.LightweightSession(Ledger.Api.Security.Tenancy.Default))
        {
            session.DeleteWhere<HouseholdSnapshot>(s => s.HouseholdId == household);
            await session.SaveChangesAsync();
        }
        Assert.Empty(await SnapshotsAsync(household));
    }

    private async Task<string> RawSnapshotsAsync(Guid household)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select coalesce(string_agg(data::text, ' '), '') from ledger.mt_doc_householdsnapshot where household_id = $1", connection);
        command.Parameters.AddWithValue(household);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
