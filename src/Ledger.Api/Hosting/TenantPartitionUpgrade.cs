using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// A database the ledger wrote before its documents were partitioned by tenant (decision 0014): before Marten applies
/// the schema, every tenant found in its document tables is entered in Marten's partition registry, so the migration
/// that turns each table into a partitioned one has a partition for every row it copies. Without this, Marten's
/// migration stops with "no partition of relation … found for row" (its DDL rolls back; nothing is lost, but the
/// ledger does not start). Nothing happens on a database already partitioned, or a new one.
/// </summary>
public static class TenantPartitionUpgrade
{
    // The tenant ids go in as they are, as Marten's own first use of a tenant enters them (it names the partition).
    private const string Upgrade = """
        do $$
        declare t record;
        begin
          if not exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                         where n.nspname = 'ledger' and c.relname = 'mt_doc_household' and c.relkind = 'r') then
            return;
          end if;
          create table if not exists ledger.mt_tenant_partitions (partition_value varchar primary key, partition_suffix varchar);
          for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
                   where n.nspname = 'ledger' and c.relkind = 'r' and c.relname like 'mt_doc_%' loop
            execute format('insert into ledger.mt_tenant_partitions (partition_value, partition_suffix) '
                           'select distinct tenant_id, tenant_id from ledger.%I on conflict do nothing', t.relname);
          end loop;
        end $$;
        """;

    /// <summary>
    /// Runs while the store is built, before Marten's activator applies the schema (a hosted service registered ahead
    /// of Marten's would still run after it: Marten puts its activator first). Once per database, at start-up.
    /// </summary>
    public static void Run(IEnumerable<string> connectionStrings)
    {
        foreach (var connectionString in connectionStrings.Distinct())
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand(Upgrade, connection);
            command.ExecuteNonQuery();
        }
    }
}
