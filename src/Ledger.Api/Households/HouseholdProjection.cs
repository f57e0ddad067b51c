using JasperFx.Events;
using Ledger.Domain.Households;
using Marten.Events.Aggregation;

namespace Ledger.Api.Households;

/// <summary>
/// The inline coverage view: the household's facts, committed in the same transaction as its events.
/// The fold itself is the pure domain code, so the view, time travel and replay cannot disagree.
/// </summary>
public sealed class HouseholdProjection : SingleStreamProjection<Household, Guid>
{
    // The same step time travel folds forward with from a snapshot, so the two cannot drift apart.
    public override Household? Evolve(Household? snapshot, Guid id, IEvent e) => HouseholdSnapshots.Step(snapshot, e.Data, e.Version);

    /// <summary>The sweep's index of due households follows the household it was just folded into.</summary>
    public override ValueTask RaiseSideEffects(Marten.IDocumentOperations operations, IEventSlice<Household> slice) =>
        Ledger.Api.Policies.SweepIndex.Follow(operations, slice);
}
