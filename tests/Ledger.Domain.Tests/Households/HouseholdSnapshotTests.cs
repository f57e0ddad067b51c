using System.Text.Json;
using CsCheck;
using Ledger.Domain.Households;
using Ledger.Domain.Seeding;
using NodaTime;

namespace Ledger.Domain.Tests.Households;

/// <summary>
/// Time travel folds forward from the nearest kept copy of the household (HouseholdSnapshots): over generated families,
/// written command by command as the ledger records them, the answer from a copy is the full fold's, at every version
/// and every cut-off instant, with copies as often as every second event.
/// </summary>
public class HouseholdSnapshotTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>An event as the store holds it: its stream version and the instant its write was recorded.</summary>
    private sealed record Stored(long Version, Instant RecordedAt, object Data);

    /// <summary>A kept copy: the household after <paramref name="Version"/>, the last of its events recorded at <paramref name="RecordedAt"/>.</summary>
    private sealed record Copy(long Version, Instant RecordedAt, Household Household);

    private static (List<Stored> Events, List<Copy> Copies) Write(SeededFamily family, int every)
    {
        var (events, copies) = (new List<Stored>(), new List<Copy>());
        Household? state = null;
        foreach (var command in family.Commands)
        {
            var first = events.Count + 1L;
            foreach (var e in command.Events)
            {
                events.Add(new Stored(events.Count + 1L, command.RecordedAt, e));
                state = HouseholdSnapshots.Step(state, e, events.Count);
            }
            if (state is not null && HouseholdSnapshots.Due(first, events.Count, every)) copies.Add(new Copy(events.Count, command.RecordedAt, state));
        }
        return (events, copies);
    }

    private static Household? FullFold(IEnumerable<Stored> events) =>
        events.ToList() is { Count: > 0 } some && Household.Fold(some.Select(e => e.Data)) is { } folded ? folded with { Version = some[^1].Version } : null;

    private static Household? FromCopy(Copy? copy, IEnumerable<Stored> after) =>
        HouseholdSnapshots.Forward(copy?.Household, after.Where(e => copy is null || e.Version > copy.Version).Select(e => (e.Version, e.Data)));

    // Records holding immutable lists compare the lists by reference: compare what they hold.
    private static string Json(Household? household) => JsonSerializer.Serialize(household);

    private static readonly Gen<(int Seed, int Every)> Families = Gen.Select(Gen.Int[1, 100_000], Gen.Int[2, 40]);

    private static SeededFamily Family(int seed) => FamilyGenerator.Generate(seed, seed % 97, "default", $"HH{seed:D8}", Shanghai);

    [Fact]
    public void GivenGeneratedStreams_WhenFoldedFromTheNearestCopyAtOrBeforeAVersion_ThenTheHouseholdIsTheFullFoldAtEveryVersion()
    {
        Families.Sample(t =>
        {
            var (events, copies) = Write(Family(t.Seed), t.Every);
            Assert.True(copies.Count > 0 || events.Count < t.Every, "a stream longer than the interval has a copy");
            for (var v = 1; v <= events.Count; v++)
            {
                var nearest = copies.LastOrDefault(c => c.Version <= v);
                Assert.Equal(Json(FullFold(events.Take(v))), Json(FromCopy(nearest, events.Take(v))));
            }
        }, iter: 60);
    }

    [Fact]
    public void GivenGeneratedStreams_WhenFoldedFromTheLatestCopyRecordedByAnInstant_ThenTheHouseholdIsTheFoldOfTheEventsRecordedByThen()
    {
        Families.Sample(t =>
        {
            var (events, copies) = Write(Family(t.Seed), t.Every);
            var instants = events.Select(e => e.RecordedAt).Distinct()
                .SelectMany(at => new[] { at - Duration.Epsilon, at, at + Duration.FromMilliseconds(1) }).Distinct();
            foreach (var knownAt in instants)
            {
                var recorded = events.Where(e => e.RecordedAt <= knownAt).ToList();
                var nearest = copies.LastOrDefault(c => c.RecordedAt <= knownAt);
                Assert.Equal(Json(FullFold(recorded)), Json(FromCopy(nearest, recorded)));
            }
        }, iter: 60);
    }

    [Fact]
    public void GivenGeneratedStreams_WhenFoldedOnFromAnyEarlierVersion_ThenTheHouseholdIsTheFullFold()
    {
        Gen.Select(Gen.Int[1, 100_000], Gen.Int[0, 1000], Gen.Int[0, 1000]).Sample(t =>
        {
            var events = Write(Family(t.Item1), HouseholdSnapshots.Every).Events;
            var v = 1 + t.Item2 % events.Count;
            var from = 1 + t.Item3 % v;
            var copy = new Copy(from, events[from - 1].RecordedAt, FullFold(events.Take(from))!);
            Assert.Equal(Json(FullFold(events.Take(v))), Json(FromCopy(copy, events.Take(v))));
        }, iter: 300);
    }

    [Fact]
    public void GivenWritesOfOneEvent_ThenACopyIsDueAtEachMultiple_AndAWriteSteppingOverAMultipleLeavesOneCopyAtItsEnd()
    {
        Assert.Equal([100L, 200L, 300L], Enumerable.Range(1, 350).Select(v => (long)v).Where(v => HouseholdSnapshots.Due(v, v, 100)).ToArray());
        Assert.True(HouseholdSnapshots.Due(98, 102, 100));
        Assert.False(HouseholdSnapshots.Due(101, 199, 100));
        Assert.True(HouseholdSnapshots.Due(1, 250, 100)); // one copy, at 250, for a write of 250 events
        Assert.False(HouseholdSnapshots.Due(1, 99, 100));
    }
}
