namespace Ledger.Domain.Households;

/// <summary>
/// When the ledger keeps a copy of a household's fold, so that time travel folds forward from the nearest copy instead
/// of from the first event, and the fold step both use. The rule lives here, beside the fold, so the property that
/// folding on from any copy gives the full fold's answer is checked on the very rule the ledger stores by.
/// </summary>
public static class HouseholdSnapshots
{
    /// <summary>
    /// A copy every this many events: an as-of read folds at most this many events (plus one write's) after its copy.
    /// Chosen by measurement (docs/decisions/0011-time-travel-snapshots.md): at 50 the worst case, 49 events after the
    /// copy, kept time travel at 1.2–1.6 × the current-view read where 100 gave 1.6–1.9 ×, for copies that take a few
    /// percent of the events' space.
    /// </summary>
    public const int Every = 50;

    /// <summary>
    /// Whether a write of versions <paramref name="firstVersion"/>…<paramref name="lastVersion"/> reaches a multiple of
    /// <paramref name="every"/>: its household is then kept as it stands after the write (at <paramref name="lastVersion"/>),
    /// so a write of several events that steps over a multiple still leaves a copy, never more than one.
    /// </summary>
    public static bool Due(long firstVersion, long lastVersion, int every = Every) =>
        firstVersion >= 1 && lastVersion >= firstVersion && lastVersion / every > (firstVersion - 1) / every;

    /// <summary>One step of the fold as the ledger stores it: the domain's <see cref="Household.Next"/>, stamped with the stream version.</summary>
    public static Household? Step(Household? state, object @event, long version) =>
        Household.Next(state, @event) is { } next ? next with { Version = version } : null;

    /// <summary>The household folded on from <paramref name="from"/> (null: from nothing) over the events after it.</summary>
    public static Household? Forward(Household? from, IEnumerable<(long Version, object Data)> events) =>
        events.Aggregate(from, (state, e) => Step(state, e.Data, e.Version));
}
