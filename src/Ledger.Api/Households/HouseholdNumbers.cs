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
        await EnsureSequenceAsync(ct);
        await using var next = dataSource.CreateCommand($"select nextval('{Sequence}')");
        return Format((long)(await next.ExecuteScalarAsync(ct))!);
    }

    /// <summary>
    /// <paramref name="count"/> numbers in one round trip, in ascending order (the seeder numbers a block of households at
    /// once). Other nodes may draw numbers meanwhile, so a block need not be contiguous; it is unique.
    /// </summary>
    public async Task<IReadOnlyList<string>> NextAsync(int count, CancellationToken ct)
    {
        await EnsureSequenceAsync(ct);
        await using var next = dataSource.CreateCommand($"select nextval('{Sequence}') from generate_series(1, $1) order by 1");
        next.Parameters.AddWithValue(count);
        var numbers = new List<string>(count);
        await using var reader = await next.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) numbers.Add(Format(reader.GetInt64(0)));
        return numbers;
    }

    private static string Format(long value) => "HH" + value.ToString("D8", CultureInfo.InvariantCulture);

    private async Task EnsureSequenceAsync(CancellationToken ct)
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
    }
}
