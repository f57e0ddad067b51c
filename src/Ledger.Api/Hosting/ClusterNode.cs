using Wolverine;
using Wolverine.Runtime;

namespace Ledger.Api.Hosting;

/// <summary>
/// A ledger node in a cluster (<c>Ledger:Cluster=true</c>): Wolverine's balanced durability over the shared database.
/// Nodes beat every few seconds; the leader declares a node dead when its beat is older than
/// <see cref="StaleAfter"/>, seen twice, and hands its projections, scheduled messages and inbox to the live nodes.
/// </summary>
public sealed class ClusterNode(IWolverineRuntime runtime, ILogger<ClusterNode> logger) : IHostedService
{
    /// <summary>How often a node records that it is alive, and the leader looks at the others.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Wolverine's default (a minute, then another look) leaves a dead node's projections stopped for up to two minutes.
    /// Ten seconds is three missed beats: a pause of a live node that long (a stalled disk, a full GC of a big heap)
    /// only moves its work, which Wolverine does without losing or repeating an event.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);

    public static void Configure(DurabilitySettings durability)
    {
        durability.HealthCheckPollingTime = Heartbeat;
        durability.FirstHealthCheckExecution = TimeSpan.FromSeconds(1);
        durability.StaleNodeTimeout = StaleAfter;
        durability.NodeReassignmentPollingTime = Heartbeat;
        durability.CheckAssignmentPeriod = TimeSpan.FromSeconds(10);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Operators (and the cluster test) match a process to the node that the assignment tables name.
        logger.LogInformation("Cluster node {NodeId} in process {ProcessId}", runtime.Options.UniqueNodeId, Environment.ProcessId);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
