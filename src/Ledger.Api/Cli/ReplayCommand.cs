using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Ledger.Domain.Households;
using Marten;
using NodaTime;
using Spectre.Console;

namespace Ledger.Api.Cli;

public sealed class ReplayInput : NetCoreInput
{
    [Description("Household id (a GUID) or household number (HH00000001)")]
    public string Household { get; set; } = "";

    [Description("Stop after this stream version"), FlagAlias("to-version")]
    public long ToVersionFlag { get; set; }

    [Description("Only events the ledger had recorded by this instant, e.g. 2025-03-20T08:00:00Z"), FlagAlias("known-at")]
    public string? KnownAtFlag { get; set; }

    [Description("Evaluate the resulting view on this date (default today)"), FlagAlias("on")]
    public string? OnFlag { get; set; }

    [Description("The insurer (tenant) the household belongs to (default: default)"), FlagAlias("tenant")]
    public string TenantFlag { get; set; } = Ledger.Api.Security.Tenancy.Default;
}

[Description("Replay a household's history event by event and print the resulting view", Name = "replay")]
public sealed class ReplayCommand : JasperFxAsyncCommand<ReplayInput>
{
    public ReplayCommand()
    {
        Usage("Replay all of a household's history").Arguments(x => x.Household);
    }

    public override async Task<bool> Execute(ReplayInput input)
    {
        CliOutput.UseStandardOutput();
        using var host = input.BuildHost();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var calendar = host.Services.GetRequiredService<BusinessCalendar>();
        await using var session = store.QuerySession(input.TenantFlag);

        Instant? knownAt = null;
        if (input.KnownAtFlag is { } knownText)
        {
            var parsed = LedgerJson.ParseInstant(knownText);
            if (!parsed.Success) return Fail($"--known-at '{knownText}' is not an instant such as 2025-03-20T08:00:00Z.");
            knownAt = parsed.Value;
        }
        var on = calendar.Today;
        if (input.OnFlag is { } onText)
        {
            var parsed = LedgerJson.ParseDate(onText);
            if (!parsed.Success) return Fail($"--on '{onText}' is not a date such as 2025-03-20.");
            on = parsed.Value;
        }

        var current = await ReadHousehold.FindAsync(session, input.Household, CancellationToken.None);
        if (current is null) return Fail($"No household '{input.Household}'.");

        var events = (await session.Events.FetchStreamAsync(current.Id))
            .Where(e => input.ToVersionFlag <= 0 || e.Version <= input.ToVersionFlag)
            .Where(e => knownAt is null || Instant.FromDateTimeOffset(e.Timestamp) <= knownAt)
            .ToList();
        if (events.Count == 0) return Fail($"Household {current.Number} has no events in that range.");

        var timeline = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]{Markup.Escape(current.Number)}[/] {current.Id}")
            .AddColumns("ver", "type", "effective", "recorded (UTC)", "actor", "reason");
        foreach (var entry in events.Select(HistoryEntry.From))
        {
            timeline.AddRow(
                entry.Version.ToString(),
                Markup.Escape(entry.Type),
                entry.EffectiveDate is { } d ? LedgerJson.Format(d) : "",
                entry.RecordedAt.ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", null),
                Markup.Escape(entry.Actor),
                Markup.Escape(entry.Reason ?? ""));
        }
        AnsiConsole.Write(timeline);

        var keys = await Ledger.Api.Privacy.PersonalDataVault.KeysAsync(session, current.People.Select(p => p.PersonId), CancellationToken.None);
        var state = Ledger.Api.Privacy.PersonalDataVault.Reveal(Household.Fold(events.Select(e => e.Data))! with { Version = events[^1].Version }, keys);
        var view = CoverageView.Of(state, on, knownAt);
        var members = new Table().Border(TableBorder.Simple)
            .Title($"View after version {view.Version}, on {LedgerJson.Format(on)}" + (knownAt is { } k ? $", as known at {LedgerJson.Format(k)}" : ""))
            .AddColumns("person", "name", "relationship", "born", "joined", "left", "status");
        foreach (var m in view.Members)
        {
            members.AddRow(
                m.PersonId.ToString()[..8],
                Markup.Escape(m.Name),
                Camel(m.Relationship.ToString()),
                LedgerJson.Format(m.DateOfBirth),
                LedgerJson.Format(m.JoinedOn),
                m.LeftOn is { } left ? $"{LedgerJson.Format(left)} ({Camel(m.LeaveCause.ToString()!)})" : "",
                Camel(m.Status.ToString()));
        }
        AnsiConsole.Write(members);
        return true;
    }

    private static string Camel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);

    private static bool Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return false;
    }
}
