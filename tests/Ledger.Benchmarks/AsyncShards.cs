using Marten;
using Npgsql;

/// <summary>
/// The registers are async. A benchmark that loads households by the seeder and does not measure the registers marks
/// their daemon shards caught up with every stored event, as a running ledger's would be: otherwise the daemon would
/// replay the whole store first (25 million events at 10⁶ households) and compete with what is measured.
/// </summary>
internal static class AsyncShards
{
    public static async Task CatchUpAsync(IDocumentStore store, NpgsqlDataSource dataSource)
    {
        foreach (var shard in store.Advanced.AllAsyncProjectionShardNames())
        {
            await using var command = dataSource.CreateCommand("""
                insert into ledger.mt_event_progression (name, last_seq_id) select $1, max(seq_id) from ledger.mt_events
                on conflict (name) do update set last_seq_id = excluded.last_seq_id
                """);
            command.Parameters.AddWithValue(shard.Identity);
            await command.ExecuteNonQueryAsync();
        }
    }
}
