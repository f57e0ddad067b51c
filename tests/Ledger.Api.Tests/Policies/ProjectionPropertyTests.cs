using System.Text.Json;
using CsCheck;
using Ledger.Api.Hosting;
using Ledger.Api.Tests.Infrastructure;
using Ledger.Domain.Households;
using Ledger.Domain.Policies;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Ledger.Api.Tests.Policies;

/// <summary>
/// Properties over random command sequences sent through the real API: whatever is accepted or refused, the inline
/// view Marten stores equals the pure fold of the stream, and the view "as known at" any past instant equals the
/// fold of only the events recorded by then.
/// </summary>
public sealed class ProjectionPropertyTests(LedgerFixture fixture) : LedgerTest(fixture)
{
    private static readonly LocalDate[] Dates =
        [new(2025, 1, 1), new(2025, 2, 14), new(2025, 3, 20), new(2025, 4, 30), new(2025, 6, 1), new(2025, 6, 15), new(2025, 12, 31), new(2026, 1, 1)];

    private static string Date(int pick) => LedgerJson.Format(Dates[pick % Dates.Length]);

    [Fact]
    public async Task The_inline_view_and_every_known_at_view_equal_the_fold_of_the_events()
    {
        var store = Fixture.Host.Services.GetRequiredService<IDocumentStore>();
        var steps = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 1000], Gen.Int[1, 120]).Array[4, 18];

        await steps.SampleAsync(async sequence =>
        {
            var (household, holder, _) = await Api.OpenHousehold("张伟", "2024-06-01");
            var people = new List<Guid> { holder };
            var policies = new List<Guid>();
            foreach (var (op, pick, minutes) in sequence)
            {
                Fixture.Clock.Advance(Duration.FromMinutes(minutes));
                var person = people[pick % people.Count];
                var policy = policies.Count == 0 ? Guid.NewGuid() : policies[pick % policies.Count];
                var url = $"/households/{household}";
                var answer = op switch
                {
                    0 or 1 => await Api.Post($"{url}/members", new { name = $"成员{pick}", dateOfBirth = "2001-02-03", relationship = pick % 2 == 0 ? "child" : "other", effectiveDate = Date(pick) }),
                    2 => await Api.Post($"{url}/members/{person}/leave", new { effectiveDate = Date(pick), cause = "moved" }),
                    3 => await Api.Post($"{url}/members/{person}/corrections", new { name = $"更正{pick}" }),
                    4 => await Api.Post($"{url}/policies", new
                    {
                        category = "medical", productCode = "MED-FAMILY", policyholderId = holder, termStart = "2025-01-01", termEnd = "2025-12-31",
                        insured = people.Take(1 + pick % people.Count).Select(p => new { personId = p, annualPremium = 1000m + pick }),
                    }),
                    5 => await Api.Post($"{url}/policies/{policy}/premiums", new { amount = 100m + pick, paidOn = Date(pick % 6) }),
                    6 => await Api.Post($"{url}/policies/{policy}/insured", new { personId = person, effectiveDate = Date(pick), annualPremium = 800m }),
                    7 => await Api.Post($"{url}/policies/{policy}/insured/{person}/remove", new { effectiveDate = Date(pick), cause = "request" }),
                    8 => await Api.Post($"{url}/policies/{policy}/cancel", new { effectiveDate = Date(pick), reason = "test" }),
                    _ => await Api.Post($"{url}/policies/{policy}/renew", new { termStart = "2026-01-01", termEnd = "2026-12-31", annualPremium = 2000m }),
                };
                Assert.True(answer.Code < 500, answer.ToString());
                if (op is 0 or 1 && answer.Code == 201) people.Add(answer.Id("personId"));
                if (op == 4 && answer.Code == 201) policies.Add(answer.Id("policyId"));
            }

            await using var session = store.QuerySession(Ledger.Api.Security.Tenancy.Default);
            var events = await session.Events.FetchStreamAsync(household);
            var stored = await session.LoadAsync<Household>(household);
            // The stored copy also carries the audit chain's head and the day the sweep index last stored, which are no
            // fold of the domain's; the latter is the sweep's answer for the fold.
            Assert.Equal(Json(Fold(events)), Json(stored! with { AuditHead = null, SweepDueOn = null }));
            Assert.Equal(PolicyDecider.NextSweepDueOn(Fold(events)!), stored.SweepDueOn);
            foreach (var instant in events.Select(e => e.Timestamp).Distinct())
            {
                var knownThen = await session.Events.AggregateStreamAsync<Household>(household, timestamp: instant);
                Assert.Equal(Json(Fold(events.Where(e => e.Timestamp <= instant).ToList())), Json(knownThen));
            }
        }, iter: 12, threads: 1);
    }

    private static Household? Fold(IReadOnlyList<JasperFx.Events.IEvent> events) =>
        Household.Fold(events.Select(e => e.Data)) is { } h ? h with { Version = events[^1].Version } : null;

    private static string Json(Household? household) => JsonSerializer.Serialize(household, LedgerJson.Options);
}
