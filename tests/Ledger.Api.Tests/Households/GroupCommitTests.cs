using System.Net.Http.Json;
using Ledger.Api.Households;
using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ledger.Api.Tests.Households;

/// <summary>
/// Writes to different households that arrive together share one transaction (decision 0016). Each must still be
/// decided, stamped and answered as if it ran alone: these send enough at once that groups form, and check that they did.
/// </summary>
public sealed class GroupCommitTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private const int Households = 24;

    private HouseholdCommits Commits => Fixture.Host.Services.GetRequiredService<HouseholdCommits>();

    private static object Child(string name, string dateOfBirth = "2015-06-18") =>
        new { name, dateOfBirth, relationship = "child", effectiveDate = "2025-01-01" };

    private async Task<Guid[]> OpenHouseholdsAsync(int count)
    {
        var ids = new Guid[count];
        for (var i = 0; i < count; i++) ids[i] = (await Api.OpenHousehold($"户主{i}")).HouseholdId;
        return ids;
    }

    /// <summary>Sends every write at once and fails unless some of them shared a commit, so the group path was the one tested.</summary>
    private async Task<Answer[]> AllAtOnceAsync(IEnumerable<Func<Task<Answer>>> writes)
    {
        var before = Commits.CommandsSharingACommit;
        var answers = await Task.WhenAll(writes.Select(Task.Run));
        Assert.True(Commits.CommandsSharingACommit > before, "no two of these writes shared a commit");
        return answers;
    }

    [Fact]
    public async Task Writes_to_many_households_at_once_all_land_each_with_its_own_actor_reason_and_correlation()
    {
        var ids = await OpenHouseholdsAsync(Households);

        var answers = await AllAtOnceAsync(ids.Select((id, i) => (Func<Task<Answer>>)(() =>
            Api.Post($"/households/{id}/members", Child($"孩子{i}"), LedgerFixture.As($"clerk.{i}"),
                ("X-Reason", $"reason-{i}"), ("X-Correlation-Id", $"corr-{i}"), ("X-Causation-Id", $"cause-{i}")))));

        for (var i = 0; i < Households; i++)
        {
            Assert.True(answers[i].Code == 201, answers[i].ToString());
            Assert.Equal(3, answers[i].Long("version"));
            var joined = (await Api.Get($"/households/{ids[i]}/history")).Json[2];
            Assert.Equal("MemberJoined", joined.GetProperty("type").GetString());
            Assert.Equal($"clerk.{i}", joined.GetProperty("actor").GetString());
            Assert.Equal($"reason-{i}", joined.GetProperty("reason").GetString());
            Assert.Equal($"corr-{i}", joined.GetProperty("correlationId").GetString());
            Assert.Equal($"cause-{i}", joined.GetProperty("causationId").GetString());
            Assert.Equal("JoinMember", joined.GetProperty("operation").GetString());
            Assert.Equal(answers[i].Id("personId"), joined.GetProperty("data").GetProperty("personId").GetGuid());
            Assert.Equal($"孩子{i}", (await Api.Get($"/households/{ids[i]}")).Json.GetProperty("members")[1].GetProperty("name").GetString());
            Assert.True((await Api.Get($"/audit/verify?householdId={ids[i]}")).Json.GetProperty("verified").GetBoolean());
        }
    }

    [Fact]
    public async Task A_refusal_among_grouped_writes_appends_nothing_makes_no_key_and_its_neighbours_land()
    {
        var ids = await OpenHouseholdsAsync(Households);
        var refused = ids[Households / 2];
        var eventsBefore = await Fixture.CountEventsAsync();

        var answers = await AllAtOnceAsync(ids.Select((id, i) => (Func<Task<Answer>>)(() =>
            Api.Post($"/households/{id}/members", id == refused ? Child("张子墨", dateOfBirth: "2025-03-20") : Child($"孩子{i}")))));

        var refusal = answers[Households / 2];
        Assert.True(refusal.Code == 422, refusal.ToString());
        Assert.Equal("application/problem+json", refusal.ContentType);
        Assert.Equal("JoinBeforeBirth", refusal.ProblemCode);
        Assert.All(answers.Where((_, i) => i != Households / 2), a => Assert.True(a.Code == 201, a.ToString()));
        Assert.Equal(eventsBefore + Households - 1, await Fixture.CountEventsAsync());
        Assert.Equal(2, (await Api.Get($"/households/{refused}")).Long("version"));
        Assert.Equal(1, await CountAsync("select count(*) from ledger.mt_doc_personkey where data ->> 'householdId' = $1", refused.ToString()));
    }

    [Fact]
    public async Task Writes_to_unknown_households_among_grouped_writes_are_404_and_start_no_stream()
    {
        var ids = await OpenHouseholdsAsync(Households / 2);
        var unknown = Enumerable.Range(0, Households / 2).Select(_ => Guid.NewGuid()).ToArray();

        var answers = await AllAtOnceAsync(ids.Zip(unknown).SelectMany(pair => new Func<Task<Answer>>[]
        {
            () => Api.Post($"/households/{pair.First}/members", Child("张子涵")),
            () => Api.Post($"/households/{pair.Second}/members", Child("张子涵")),
        }));

        Assert.All(answers.Where((_, i) => i % 2 == 0), a => Assert.True(a.Code == 201, a.ToString()));
        Assert.All(answers.Where((_, i) => i % 2 == 1), a =>
        {
            Assert.True(a.Code == 404, a.ToString());
            Assert.Equal("UnknownHousehold", a.ProblemCode);
        });
        Assert.Equal(0, await CountAsync("select count(*) from ledger.mt_streams where id = any($1)", unknown));
        Assert.Equal(0, await CountAsync("select count(*) from ledger.mt_doc_personkey where (data ->> 'householdId')::uuid = any($1)", unknown));
    }

    [Fact]
    public async Task Twenty_concurrent_repeats_of_one_key_among_other_writes_append_once_and_answer_alike()
    {
        var ids = await OpenHouseholdsAsync(Households);
        var key = ("Idempotency-Key", Guid.NewGuid().ToString());
        var eventsBefore = await Fixture.CountEventsAsync();

        var answers = await AllAtOnceAsync(Enumerable.Range(0, 20)
            .Select(_ => (Func<Task<Answer>>)(() => Api.Post($"/households/{ids[0]}/members", Child("张子涵"), key)))
            .Concat(ids.Skip(1).Select(id => (Func<Task<Answer>>)(() => Api.Post($"/households/{id}/members", Child("张子涵"))))));

        Assert.All(answers, a => Assert.True(a.Code == 201, a.ToString()));
        var repeats = answers.Take(20).ToArray();
        Assert.Single(repeats.Select(a => a.Raw).Distinct());
        Assert.Equal(19, repeats.Count(a => a.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(3, (await Api.Get($"/households/{ids[0]}")).Long("version"));
        Assert.Equal(eventsBefore + Households, await Fixture.CountEventsAsync());
        // Every repeat brought a person id of its own, and a key for it in its group's read: only the first one's stays.
        Assert.Equal(2, await CountAsync("select count(*) from ledger.mt_doc_personkey where data ->> 'householdId' = $1", ids[0].ToString()));
    }

    [Fact]
    public async Task Many_writers_on_a_few_households_at_once_lose_no_event_and_number_versions_without_gaps()
    {
        var ids = await OpenHouseholdsAsync(3);

        var answers = await AllAtOnceAsync(Enumerable.Range(0, 30).Select(i => (Func<Task<Answer>>)(() =>
            Api.Post($"/households/{ids[i % 3]}/members", Child($"孩子{i}")))));

        Assert.All(answers, a => Assert.True(a.Code == 201, a.ToString()));
        for (var h = 0; h < 3; h++)
        {
            var versions = answers.Where((_, i) => i % 3 == h).Select(a => a.Long("version")).Order();
            Assert.Equal(Enumerable.Range(3, 10).Select(v => (long)v), versions);
            Assert.Equal(12, (await Api.Get($"/households/{ids[h]}")).Long("version"));
            Assert.True((await Api.Get($"/audit/verify?householdId={ids[h]}")).Json.GetProperty("verified").GetBoolean());
        }
    }

    [Fact]
    public async Task If_match_writes_among_grouped_writes_still_get_412_with_the_current_version()
    {
        var ids = await OpenHouseholdsAsync(Households);
        await Api.Join(ids[0], "张子墨");

        var answers = await AllAtOnceAsync(ids.Select((id, i) => (Func<Task<Answer>>)(() => i == 0
            ? Api.Post($"/households/{id}/members", Child("张子涵"), ("If-Match", "\"2\""))
            : Api.Post($"/households/{id}/members", Child("张子涵")))));

        Assert.Equal(412, answers[0].Code);
        Assert.Equal("VersionMismatch", answers[0].ProblemCode);
        Assert.Equal(3, answers[0].Json.GetProperty("currentVersion").GetInt64());
        Assert.All(answers.Skip(1), a => Assert.True(a.Code == 201, a.ToString()));
    }

    [Fact]
    public async Task Households_locked_elsewhere_hold_up_only_their_own_writes_not_the_node()
    {
        var ids = await OpenHouseholdsAsync(Households);
        var busy = ids.Take(Commits.Groups).ToArray();
        await using var hold = await HoldRowsAsync(busy);
        var waiting = await OccupyEveryRunnerAsync(busy);
        var others = Task.WhenAll(ids.Skip(busy.Length).Select(id => Task.Run(() => Api.Post($"/households/{id}/members", Child("张子涵")))));

        // A group gives up on a held row within a quarter of a second and runs its commands alone, freeing its runner:
        // the others land while the rows are still held (a command alone waits up to the connection's lock_timeout, 10 s).
        Assert.Same(others, await Task.WhenAny(others, Task.Delay(TimeSpan.FromSeconds(3))));
        Assert.All(await others, a => Assert.True(a.Code == 201, a.ToString()));
        Assert.All(waiting, w => Assert.False(w.IsCompleted));

        await hold.DisposeAsync();
        foreach (var landed in await Task.WhenAll(waiting))
        {
            Assert.True(landed.Code == 201, landed.ToString());
            Assert.Equal(3, landed.Long("version"));
        }
    }

    [Fact]
    public async Task A_write_whose_client_gives_up_while_it_waits_for_a_group_is_left_out()
    {
        var ids = await OpenHouseholdsAsync(Commits.Groups + 1);
        var busy = ids.Take(Commits.Groups).ToArray();
        var abandoned = ids[^1];
        await using var hold = await HoldRowsAsync(busy);
        var waiting = await OccupyEveryRunnerAsync(busy);

        // Every runner waits on a held row (for up to 250 ms): the write queues, and its client gives up first.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(60));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/households/{abandoned}/members")
        {
            Content = JsonContent.Create(Child("张子涵")),
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Fixture.Client.SendAsync(request, giveUp.Token));

        await hold.DisposeAsync();
        Assert.All(await Task.WhenAll(waiting), a => Assert.True(a.Code == 201, a.ToString()));
        await Task.Delay(500);
        Assert.Equal(2, (await Api.Get($"/households/{abandoned}")).Long("version"));
        Assert.Equal(1, await CountAsync("select count(*) from ledger.mt_doc_personkey where data ->> 'householdId' = $1", abandoned.ToString()));
    }

    [Fact]
    public async Task A_group_whose_connection_is_lost_while_it_commits_answers_503_and_runs_none_of_its_writes_again()
    {
        var ids = await OpenHouseholdsAsync(Households);
        var name = $"cut_commit_{Guid.NewGuid():N}";
        // At COMMIT, a transaction that holds two or more of these households' joins waits, and the test ends its backend
        // there, as a connection lost half way through a commit would: the client cannot know whether it committed.
        await ExecuteAsync($$"""
            create function ledger.{{name}}() returns trigger language plpgsql as $body$
            declare joins int;
            begin
              if new.stream_id = any('{{{string.Join(',', ids)}}}'::uuid[]) and new.version > 2 then
                -- Counted in the transaction (a setting local to it): the second of these joins it commits waits.
                joins := coalesce(nullif(current_setting('ledger_test.joins', true), ''), '0')::int + 1;
                perform set_config('ledger_test.joins', joins::text, true);
                if joins = 2 then perform pg_sleep(20); end if;
              end if;
              return null;
            end $body$;
            create constraint trigger {{name}} after insert on ledger.mt_events deferrable initially deferred
              for each row execute function ledger.{{name}}();
            """);
        try
        {
            using var done = new CancellationTokenSource();
            var cutting = CutCommitsAsync(done.Token);
            var answers = await Task.WhenAll(ids.Select((id, i) => Task.Run(() => Api.Post($"/households/{id}/members", Child($"孩子{i}")))));
            await done.CancelAsync();
            var cut = await cutting;

            Console.WriteLine(string.Join("\n", answers.Select(a => a.Code + " " + a.Raw)));
            Assert.True(cut > 0, "no commit was cut off");
            Assert.All(answers, a => Assert.True(a.Code == 201 || (a.Code == 503 && a.ProblemCode == "DatabaseUnavailable"), a.ToString()));
            // Fewer commits cut than writes refused: the refused writes had shared commits. Run again alone, they would
            // have committed (a transaction of one join does not wait) and answered 201: at most one would be refused.
            var refused = answers.Count(a => a.Code == 503);
            Assert.True(refused >= 2 && cut < refused, $"{refused} writes refused, {cut} commits cut");
            for (var i = 0; i < Households; i++)
                Assert.Equal(answers[i].Code == 201 ? 3 : 2, (await Api.Get($"/households/{ids[i]}")).Long("version"));
        }
        finally
        {
            await ExecuteAsync($"drop trigger {name} on ledger.mt_events; drop function ledger.{name}();");
        }
    }

    /// <summary>Ends every backend waiting inside a COMMIT (the trigger above) until cancelled; how many it ended.</summary>
    private async Task<int> CutCommitsAsync(CancellationToken done)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var cut = new NpgsqlCommand(
            "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity " +
            "where wait_event = 'PgSleep' and state = 'active' and query ilike 'commit%' and pid <> pg_backend_pid()", connection);
        var ended = 0;
        while (!done.IsCancellationRequested)
        {
            ended += (int)(long)(await cut.ExecuteScalarAsync())!;
            try { await Task.Delay(20, done); } catch (OperationCanceledException) { }
        }
        return ended;
    }

    [Theory]
    [InlineData("0", "2")]
    [InlineData("16", "0")]
    public void A_group_size_or_a_number_of_groups_below_one_is_refused_at_start(string groupSize, string groups)
    {
        var error = Assert.Throws<InvalidOperationException>(() => CommitsWith(groupSize, groups));
        Assert.Contains("Ledger:Writes:GroupSize", error.Message);
    }

    [Fact]
    public async Task With_a_group_size_of_one_every_write_commits_alone_in_its_own_session()
    {
        var commits = CommitsWith("1", "2");
        var ids = await OpenHouseholdsAsync(8);
        var store = Fixture.Host.Services.GetRequiredService<Marten.IDocumentStore>();

        var versions = await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            await using var session = store.LightweightSession(Ledger.Api.Security.Tenancy.Default);
            var answer = await commits.WriteAsync(session, ChildJoins(id), CancellationToken.None, decided => WriteAnswer.Ok(new { }, decided));
            Assert.NotEmpty(session.PendingChanges.Streams());
            await session.SaveChangesAsync();
            return answer.Version;
        })));

        Assert.All(versions, v => Assert.Equal(3, v));
        Assert.Equal(0, commits.CommandsSharingACommit);
        foreach (var id in ids) Assert.Equal(3, (await Api.Get($"/households/{id}")).Long("version"));
    }

    [Fact]
    public async Task A_lane_left_idle_is_retired_and_the_tenants_next_writes_start_a_new_one()
    {
        var commits = CommitsWith("16", "2");
        var ids = await OpenHouseholdsAsync(8);

        Assert.All(await JoinEachAsync(commits, ids[..4]), v => Assert.Equal(3, v));
        Assert.Equal([Ledger.Api.Security.Tenancy.Default], commits.TenantsWithALane);
        Assert.Equal(0, commits.RetireIdleLanes(TimeSpan.FromHours(1)));

        Assert.Equal(1, commits.RetireIdleLanes(TimeSpan.Zero));
        Assert.Empty(commits.TenantsWithALane);

        Assert.All(await JoinEachAsync(commits, ids[4..]), v => Assert.Equal(3, v));
        Assert.Equal([Ledger.Api.Security.Tenancy.Default], commits.TenantsWithALane);
        foreach (var id in ids) Assert.Equal(3, (await Api.Get($"/households/{id}")).Long("version"));
    }

    /// <summary>A child joins each household through <paramref name="commits"/>, all at once; the versions they reached.</summary>
    private async Task<long[]> JoinEachAsync(HouseholdCommits commits, Guid[] ids)
    {
        var store = Fixture.Host.Services.GetRequiredService<Marten.IDocumentStore>();
        return await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            await using var session = store.LightweightSession(Ledger.Api.Security.Tenancy.Default);
            var answer = await commits.WriteAsync(session, ChildJoins(id), CancellationToken.None, decided => WriteAnswer.Ok(new { }, decided));
            // A write its group sent back ran alone, in this session (which Wolverine's middleware commits in the host).
            await session.SaveChangesAsync();
            return answer.Version;
        })));
    }

    /// <summary>A child joining <paramref name="household"/>, as the endpoint hands it to <see cref="HouseholdCommits"/>.</summary>
    private static HouseholdWrite<Ledger.Domain.Households.JoinMember> ChildJoins(Guid household) => new(household,
        new(Name: "张子涵", DateOfBirth: new(2015, 6, 18), Relationship: Ledger.Domain.Households.Relationship.Child, EffectiveDate: new(2025, 1, 1))
            { PersonId = Guid.NewGuid() },
        new WriteContext("test.user", null, "corr", "cause"));

    /// <summary>Holds the households' stream rows from another connection, as a writer elsewhere would, until disposed.</summary>
    private async Task<NpgsqlConnection> HoldRowsAsync(Guid[] households)
    {
        var holder = new NpgsqlConnection(Fixture.ConnectionString);
        await holder.OpenAsync();
        // Closing the connection rolls the transaction back and lets the rows go.
        var holding = await holder.BeginTransactionAsync();
        await using var lockRows = new NpgsqlCommand(
            "select count(*) from (select version from ledger.mt_streams where id = any($1) for update) as held", holder, holding)
        {
            Parameters = { new NpgsqlParameter { Value = households } },
        };
        await lockRows.ExecuteScalarAsync();
        return holder;
    }

    /// <summary>
    /// One write to each held household, one after the other, so that each of the tenant's group runners waits on a
    /// held row (one group each: the runner was idle when its write came).
    /// </summary>
    private async Task<List<Task<Answer>>> OccupyEveryRunnerAsync(Guid[] held)
    {
        Assert.Equal(Commits.Groups, held.Length);
        var waiting = new List<Task<Answer>>();
        foreach (var id in held)
        {
            waiting.Add(Task.Run(() => Api.Post($"/households/{id}/members", Child("张子涵"))));
            await Task.Delay(50);
        }
        return waiting;
    }

    private HouseholdCommits CommitsWith(string groupSize, string groups)
    {
        var services = Fixture.Host.Services;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ledger:Writes:GroupSize"] = groupSize, ["Ledger:Writes:Groups"] = groups })
            .Build();
        return new HouseholdCommits(services.GetRequiredService<Marten.IDocumentStore>(), services.GetRequiredService<Ledger.Api.Hosting.BusinessCalendar>(),
            configuration, services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<HouseholdCommits>.Instance);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql, object parameter)
    {
        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = parameter } } };
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
