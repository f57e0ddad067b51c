using System.Globalization;
using JasperFx.CommandLine;
using Spectre.Console;

namespace Ledger.Api.Projections;

public sealed class RebuildInput : NetCoreInput
{
    [Description("Only this projection (default: every one, in turn); `ledger projections list` names them"), FlagAlias("projection", 'p')]
    public string? ProjectionFlag { get; set; }

    [Description("Only this insurer (tenant) (default: every tenant with events, in turn)"), FlagAlias("tenant", 't')]
    public string? TenantFlag { get; set; }

    [Description("Events per transaction (tuning)"), FlagAlias("page")]
    public string PageFlag { get; set; } = ProjectionRebuilder.DefaultPageSize.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// <c>ledger projections rebuild</c> (Program.cs routes it here; JasperFx's <c>projections</c> keeps <c>list</c> and
/// <c>run</c>): one projection and one tenant at a time, with a progress bar.
/// </summary>
[Description("Rebuild projections from the stored events, one projection and one tenant at a time (run with no writes in flight)", Name = "rebuild")]
public sealed class RebuildCommand : JasperFxAsyncCommand<RebuildInput>
{
    public override async Task<bool> Execute(RebuildInput input)
    {
        Ledger.Api.Cli.CliOutput.UseStandardOutput();
        if (!int.TryParse(input.PageFlag, NumberStyles.None, CultureInfo.InvariantCulture, out var page) || page is < 1 or > 100_000)
            return Fail($"--page '{input.PageFlag}' must be a whole number from 1 to 100,000.");
        using var host = input.BuildHost();
        var rebuilder = new ProjectionRebuilder(host.Services.GetRequiredService<IDocumentStore>());
        var projections = rebuilder.ProjectionNames;
        if (input.ProjectionFlag is { } only)
        {
            projections = projections.Where(p => string.Equals(p, only, StringComparison.OrdinalIgnoreCase)).ToList();
            if (projections.Count == 0) return Fail($"--projection '{only}' is not a projection: {string.Join(", ", rebuilder.ProjectionNames)}.");
        }
        var tenants = input.TenantFlag is { } one ? [one] : await rebuilder.TenantsAsync(CancellationToken.None);

        foreach (var projection in projections)
        foreach (var tenant in tenants)
        {
            var total = await rebuilder.CountAsync(projection, tenant, CancellationToken.None);
            RebuildResult result;
            // A progress bar for a person at a terminal; a log or a pipe gets only the summary.
            if (AnsiConsole.Profile.Capabilities.Interactive)
                result = await AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask(Markup.Escape($"{projection} ({tenant}): {total:N0} events"), maxValue: Math.Max(total, 1));
                        var done = await rebuilder.RebuildAsync(projection, tenant, page, applied => task.Value = applied, CancellationToken.None);
                        task.Value = task.MaxValue;
                        return done;
                    });
            else
                result = await rebuilder.RebuildAsync(projection, tenant, page, null, CancellationToken.None);
            AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Rebuilt {result.Projection} for tenant '{result.Tenant}': {result.Events:N0} events in {result.Elapsed.TotalSeconds:F1} s, {result.EventsPerSecond:N0} events/s."));
        }
        return true;
    }

    private static bool Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return false;
    }
}
