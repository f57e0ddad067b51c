using Ledger.Api.Hosting;
using Marten;
using NodaTime;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace Ledger.Api.Audit;

/// <summary>Compute and keep the ledger digest of <see cref="Day"/> (the scheduled sweep asks once per business day).</summary>
public sealed record PublishDailyDigest(LocalDate Day);

/// <summary>
/// The day's digest, so a regulator can fetch any day's: inserted, never overwritten, so once published it cannot
/// change; two nodes racing for the same day both compute it and the second insert loses.
/// </summary>
public static class DailyDigestHandler
{
    public static string IdOf(LocalDate day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static void Configure(HandlerChain chain)
    {
        // The day's digest is already kept (another node, or an earlier try that committed): nothing left to do.
        chain.OnException(AlreadyPublished).Discard();
        // A database blip passes; after that the next slot's sweep asks again.
        chain.OnAnyException().RetryWithCooldown(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1))
            .Then.MoveToErrorQueue();
    }

    public static async Task Handle(PublishDailyDigest message, IDocumentStore store, AuditVerifier verifier, BusinessCalendar calendar, CancellationToken ct)
    {
        // The ledger's own record, not an insurer's: in the default database (LedgerOutbox), over every database's chains.
        await using var session = store.LightweightSession(Ledger.Api.Security.Tenancy.Default);
        var id = IdOf(message.Day);
        if (await session.LoadAsync<PublishedDigest>(id, ct) is not null) return;
        session.Insert(new PublishedDigest(id, await verifier.DigestAsync(calendar.Now.ToDateTimeOffset(), ct)));
        await session.SaveChangesAsync(ct);
    }

    private static bool AlreadyPublished(Exception e) =>
        e is JasperFx.DocumentAlreadyExistsException || e.InnerException is JasperFx.DocumentAlreadyExistsException
        || e is Npgsql.PostgresException { SqlState: "23505" } || e.InnerException is Npgsql.PostgresException { SqlState: "23505" };
}
