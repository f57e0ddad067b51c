using System.Diagnostics;
using System.Text.Json;
using Ledger.Api.Hosting;
using Ledger.Api.Privacy;
using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Ledger.Domain.Seeding;
using NodaTime;

/// <summary>
/// Where a read's own CPU goes, without HTTP or PostgreSQL: 500 seeded families' household documents, each read back
/// (Marten's storage JSON settings), turned into the view for a date and written as the API's JSON, timed step by step.
/// A diagnostic beside the reads benchmark (which gives the whole request's CPU by process), not a figure of its own.
/// </summary>
internal static class RenderProbe
{
    public static int Run()
    {
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var storage = LedgerJson.ConfigureStorage(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var docs = Enumerable.Range(0, 500).Select(i => FamilyGenerator.Generate(1, i, "t", $"HH{i:D8}", zone).State)
            .Select(h => JsonSerializer.SerializeToUtf8Bytes(h, storage)).ToArray();
        var on = new LocalDate(2025, 6, 15);
        Console.WriteLine($"avg doc {docs.Average(d => d.Length):F0} bytes");
        RevealRounds(docs.Select(d => JsonSerializer.Deserialize<Household>(d, storage)!).ToArray());
        for (var round = 0; round < 4; round++)
        {
            var (de, re, se) = (0L, 0L, 0L);
            // Bytes allocated per step: at 1,000 reads/s each kilobyte is a megabyte a second for the GC to collect,
            // and its pauses stop every request in flight.
            var (deBytes, reBytes, seBytes) = (0L, 0L, 0L);
            var sw = new Stopwatch();
            var n = 0;
            for (var k = 0; k < 10; k++)
                foreach (var d in docs)
                {
                    var allocated = GC.GetAllocatedBytesForCurrentThread();
                    sw.Restart();
                    var h = JsonSerializer.Deserialize<Household>(d, storage)!;
                    de += sw.ElapsedTicks;
                    deBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
                    allocated = GC.GetAllocatedBytesForCurrentThread();
                    sw.Restart();
                    var view = CoverageView.Of(h, on, null);
                    re += sw.ElapsedTicks;
                    reBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
                    allocated = GC.GetAllocatedBytesForCurrentThread();
                    sw.Restart();
                    JsonSerializer.SerializeToUtf8Bytes(view, LedgerJson.Options);
                    se += sw.ElapsedTicks;
                    seBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
                    n++;
                }
            double Us(long t) => t * 1_000_000.0 / Stopwatch.Frequency / n;
            double Kb(long bytes) => bytes / 1024.0 / n;
            Console.WriteLine($"deserialize {Us(de):F1} us {Kb(deBytes):F1} kB, render {Us(re):F1} us {Kb(reBytes):F1} kB, " +
                              $"serialize {Us(se):F1} us {Kb(seBytes):F1} kB; gen0 {GC.CollectionCount(0)}");
        }
        return 0;
    }

    /// <summary>
    /// Opening the personal data of a view, sealed as the ledger seals it: one cipher per value (as before 2026-12-02)
    /// against one per person (<see cref="PersonalDataVault.Reveal(Household, IReadOnlyDictionary{Guid, byte[]})"/>).
    /// </summary>
    private static void RevealRounds(Household[] households)
    {
        var sealedOnes = households.Select(Sealed).ToArray();
        for (var round = 0; round < 4; round++)
        {
            var (perValue, perPerson, revealBytes, n) = (0L, 0L, 0L, 0);
            var sw = new Stopwatch();
            for (var k = 0; k < 10; k++)
                foreach (var (household, keys) in sealedOnes)
                {
                    sw.Restart();
                    foreach (var p in household.People)
                    {
                        PersonalDataVault.Open(keys, p.PersonId, p.Name);
                        PersonalDataVault.Open(keys, p.PersonId, p.IdNumber);
                    }
                    foreach (var c in household.Claims) PersonalDataVault.Open(keys, c.PersonId, c.Description);
                    perValue += sw.ElapsedTicks;
                    var allocated = GC.GetAllocatedBytesForCurrentThread();
                    sw.Restart();
                    PersonalDataVault.Reveal(household, keys);
                    perPerson += sw.ElapsedTicks;
                    revealBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
                    n++;
                }
            double Us(long t) => t * 1_000_000.0 / Stopwatch.Frequency / n;
            Console.WriteLine($"reveal: one cipher per value {Us(perValue):F1} us, one per person {Us(perPerson):F1} us " +
                              $"{revealBytes / 1024.0 / n:F1} kB per household");
        }
    }

    private static (Household, IReadOnlyDictionary<Guid, byte[]>) Sealed(Household household)
    {
        var keys = household.People.ToDictionary(p => p.PersonId, _ => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var on = new LocalDate(2025, 1, 1);
        // Every key exists, so Protect makes none and needs no session.
        object[] plain = [.. household.People.Select(p => new MemberJoined(p.PersonId, p.Name, p.DateOfBirth, p.Relationship, p.IdNumber, on)),
            .. household.Claims.Select(c => new ClaimSubmitted(c.ClaimId, c.PolicyId, default, c.PersonId, on, c.Cause, 0m, c.Description, on, on))];
        var sealedEvents = PersonalDataVault.Protect(null!, household.Id, plain, Instant.FromUtc(2025, 1, 1, 0, 0), keys);
        var people = sealedEvents.OfType<MemberJoined>().ToDictionary(m => m.PersonId);
        var claims = sealedEvents.OfType<ClaimSubmitted>().ToDictionary(c => c.ClaimId);
        return (household with
        {
            People = [.. household.People.Select(p => p with { Name = people[p.PersonId].Name, IdNumber = people[p.PersonId].IdNumber })],
            Claims = [.. household.Claims.Select(c => c with { Description = claims[c.ClaimId].Description })],
        }, keys);
    }
}
