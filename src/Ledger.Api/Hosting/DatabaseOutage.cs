using System.Net.Sockets;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// PostgreSQL out of reach is not a defect of the ledger: every read and write then answers 503
/// <c>DatabaseUnavailable</c> with <c>Retry-After</c>, wherever in Npgsql, Marten or Wolverine the failure surfaced.
/// Nothing is cached or queued meanwhile; the connection pool reconnects on the first request after the database
/// is back, so recovery needs nobody.
/// </summary>
public static class DatabaseOutage
{
    public const int RetryAfterSeconds = 2;

    /// <summary>True when the failure, or one it wraps, says the database cannot be reached or is shutting down.</summary>
    public static bool Caused(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate) return aggregate.InnerExceptions.Any(Caused);
            if (e is PostgresException postgres)
                return IsConnectionState(postgres.SqlState);
            // Npgsql wraps what the socket said: refused, reset, closed mid-answer, or no connection in time.
            if (e is NpgsqlException { InnerException: SocketException or IOException or TimeoutException } or SocketException) return true;
        }
        return false;
    }

    // Class 08: connection exceptions; 57P01–57P03: the server is shutting down, was shut down or is starting up;
    // 53300: too many connections. Every other SQL state is about the request, not about reaching the database.
    private static bool IsConnectionState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03" or "53300";

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Answer(HttpContext http)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "DatabaseUnavailable", "The ledger's database is unavailable.",
            // A connection lost while a commit was on its way leaves its outcome unknown, so the answer does not
            // promise that nothing was written; an Idempotency-Key makes the retry safe either way.
            $"The request could not be completed. Retry in {RetryAfterSeconds} seconds; a write retried with the same Idempotency-Key is applied at most once.");
    }
}
