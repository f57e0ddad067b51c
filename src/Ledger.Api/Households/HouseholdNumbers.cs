using System.Globalization;
using Npgsql;

namespace Ledger.Api.Households;

/// <summary>
/// Hands out human household numbers (<c>HH00000042</c>) from a PostgreSQL sequence, so numbers stay unique
/// across every API node sharing the database.
/// </summary>
public sealed class HouseholdNumbers(NpgsqlDataSource dataSource)
{
    public const string Schema = "ledger";
    private const string Sequence = Schema + ".household_number";
    private volatile bool _created;

    public async Task<string> NextAsync(CancellationToken ct)
    {
        if (!_created)
        {
            await using var create = dataSource.CreateCommand(
                $"create schema if not exists {Schema}; create sequence if not exists {Sequence}");
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState is "23505" or "42P07")
            {
                // Another node or request created it at the same moment.
            }
            _created = true;
        }
        await using var next = dataSource.CreateCommand($"select nextval('{Sequence}')");
        var value = (long)(await next.ExecuteScalarAsync(ct))!;
        return "HH" + value.ToString("D8", CultureInfo.InvariantCulture);
    }
}
