namespace Ledger.Api.Hosting;

/// <summary>
/// Opt-in (<c>Ledger:Kestrel:InlineScheduling</c>): a request runs from start to end on the socket threads, the one that
/// received it and the ones that receive PostgreSQL's answers, instead of being handed to the thread pool at each of
/// them. On two cores this VM charges 0.1–0.2 ms of CPU for each worker woken; the pair of settings took 3–21% off the
/// ledger's CPU per paced read and left writes unchanged (decision 0015). Off by default because every request then
/// shares the socket threads like an event loop: a request that computes for long (a name search decrypting thousands of
/// households, a long verification page) holds back every connection on its thread meanwhile.
/// </summary>
public static class InlineScheduling
{
    public const string Setting = "Ledger:Kestrel:InlineScheduling";

    /// <summary>.NET reads it once, when the first socket starts, so it is the process's environment, not a setting.</summary>
    public const string SocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static WebApplicationBuilder AddInlineScheduling(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue<bool>(Setting)) return builder;
        // Kestrel inline without the sockets inline still hands PostgreSQL's answers to the pool: measured no better, so a
        // half-made choice stops the start rather than running as something nobody measured.
        if (Environment.GetEnvironmentVariable(SocketCompletions) != "1")
            throw new InvalidOperationException($"{Setting} needs {SocketCompletions}=1 in the ledger's environment as well (docs/decisions/0015).");
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        return builder;
    }
}
