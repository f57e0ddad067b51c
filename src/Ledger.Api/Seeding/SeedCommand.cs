using System.Globalization;
using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Ledger.Api.Households;
using Marten;
using Spectre.Console;

namespace Ledger.Api.Seeding;

public sealed class SeedInput : NetCoreInput
{
    [Description("How many households to generate (1 or more)"), FlagAlias("households")]
    public string? HouseholdsFlag { get; set; }

    [Description("The insurer (tenant) to seed (default: default)"), FlagAlias("tenant")]
    public string TenantFlag { get; set; } = Ledger.Api.Security.Tenancy.Default;

    [Description("The random seed: the same seed gives the same households (default 1)"), FlagAlias("seed")]
    public string SeedFlag { get; set; } = "1";

    [Description("Households per transaction (tuning)"), FlagAlias("batch")]
    public string BatchFlag { get; set; } = SeedOptions.DefaultBatchSize.ToString(CultureInfo.InvariantCulture);

    [Description("Transactions in flight at once (tuning)"), FlagAlias("writers")]
    public string WritersFlag { get; set; } = SeedOptions.DefaultWriters.ToString(CultureInfo.InvariantCulture);
}

[Description("Generate realistic households through the domain's decisions and write them in bulk (load tests, demos; not beside live writes)", Name = "seed")]
public sealed class SeedCommand : JasperFxAsyncCommand<SeedInput>
{
    public override async Task<bool> Execute(SeedInput input)
    {
        Ledger.Api.Cli.CliOutput.UseStandardOutput();
        // Every argument is checked before the database is touched: a refused command writes nothing.
        if (Positive(input.HouseholdsFlag, "--households", 1, 100_000_000) is not { } households
            || Positive(input.BatchFlag, "--batch", 1, 10_000) is not { } batch
            || Positive(input.WritersFlag, "--writers", 1, 64) is not { } writers)
            return false;
        if (!int.TryParse(input.SeedFlag, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed))
            return Fail($"--seed '{input.SeedFlag}' is not a whole number.");
        if (!Ledger.Api.Security.Tenancy.IsUsableName(input.TenantFlag))
            return Fail($"--tenant '{input.TenantFlag}' cannot name an insurer: give a name without spaces or control characters, other than *DEFAULT*.");

        using var host = input.BuildHost();
        var seeder = new HouseholdSeeder(host.Services.GetRequiredService<IDocumentStore>(), host.Services.GetRequiredService<HouseholdNumbers>(),
            host.Services.GetRequiredService<BusinessCalendar>());
        var options = new SeedOptions(households, input.TenantFlag, seed, batch, writers);
        try
        {
            await SeedAsync(seeder, options);
            return true;
        }
        catch (Exception e) when (e is AlreadySeededException or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            // Household k of a seed has the same id every time: seeding a seed twice into one tenant meets the first run.
            return Fail($"Households of --seed {seed} are already in tenant '{options.Tenant}' (household ids follow from the seed): "
                        + "use another --seed or --tenant. Batches written before this one stay.");
        }
    }

    private static async Task SeedAsync(HouseholdSeeder seeder, SeedOptions options)
    {
        var households = options.Households;
        SeedResult result;
        // A progress bar for a person at a terminal; a log or a pipe gets only the summary.
        if (AnsiConsole.Profile.Capabilities.Interactive)
            result = await AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"Seeding {households:N0} households", maxValue: households);
                    return await seeder.SeedAsync(options, (done, _) => task.Value = done, CancellationToken.None);
                });
        else
            result = await seeder.SeedAsync(options, null, CancellationToken.None);

        AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Seeded {result.Households:N0} households, {result.Events:N0} events into tenant '{options.Tenant}' in {result.Elapsed.TotalSeconds:F1} s: {result.HouseholdsPerSecond:N0} households/s, {result.EventsPerSecond:N0} events/s."));
        if (result.Refusals > 0)
            AnsiConsole.MarkupLine($"[yellow]{result.Refusals:N0} generated commands were refused by the rules and left out (their households are valid without them).[/]");
    }

    private static int? Positive(string? text, string flag, int min, int max)
    {
        if (text is null)
        {
            Fail($"{flag} N is required.");
            return null;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        Fail($"{flag} '{text}' must be a whole number from {min:N0} to {max:N0}.");
        return null;
    }

    private static bool Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        return false;
    }
}
