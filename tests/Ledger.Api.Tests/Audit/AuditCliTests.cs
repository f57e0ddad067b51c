using Ledger.Api.Tests.Infrastructure;
using Npgsql;

namespace Ledger.Api.Tests.Audit;

/// <summary><c>ledger audit verify|digest|export</c> as a user runs them, against the test database.</summary>
public sealed class AuditCliTests(LedgerFixture fixture) : CliTest(fixture)
{
    private Dictionary<string, string?> Environment => new()
    {
        ["ConnectionStrings__Ledger"] = Fixture.ConnectionString,
        ["Ledger__SeedDemo"] = "false",
        ["Ledger__SweepInterval"] = "0",
    };

    [Fact]
    public async Task Export_writes_jsonl_and_csv_for_a_time_range()
    {
        // The fake clock stands still between tests: start on an instant nothing else was recorded at.
        Fixture.Clock.Advance(NodaTime.Duration.FromSeconds(1));
        var start = Fixture.Clock.GetCurrentInstant();
        var (household, _, _) = await Api.OpenHousehold("Zoë 张");
        await Api.Join(household, "李娜, \"Lina\"", "spouse", "1987-09-03");
        Fixture.Clock.Advance(NodaTime.Duration.FromSeconds(1));
        var end = Fixture.Clock.GetCurrentInstant();
        var folder = Directory.CreateTempSubdirectory("ledger-export-").FullName;
        try
        {
            var jsonl = Path.Combine(folder, "audit.jsonl");
            var (exit, output) = await Repo.RunLedgerAsync(["audit", "export", "--from", start.ToString(), "--to", end.ToString(), "--format", "jsonl", "--out", jsonl], Environment, TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, output);
            var lines = File.ReadAllLines(jsonl);
            Assert.Equal(3, lines.Length);
            Assert.All(lines, l => Assert.Contains(household.ToString(), l));
            // Names leave the ledger only encrypted: an export never carries them in clear.
            Assert.DoesNotContain("Zoë 张", string.Join("\n", lines));
            Assert.Contains("pii:v1:", lines[1]);

            var csvFile = Path.Combine(folder, "audit.csv");
            (exit, output) = await Repo.RunLedgerAsync(["audit", "export", "--from", start.ToString(), "--to", end.ToString(), "--format", "csv", "--out", csvFile], Environment, TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, output);
            var csv = File.ReadAllText(csvFile);
            // No byte-order mark (regulator guide, section 3): the first header is exactly "householdId".
            Assert.Equal("householdId"u8.ToArray(), File.ReadAllBytes(csvFile)[..11]);
            Assert.StartsWith("householdId,householdNumber,version,sequence,type,effectiveDate,recordedAt,actor", csv);
            Assert.Contains("MemberJoined", csv);
            Assert.Contains("\"{\"\"", csv); // the JSON data column is quoted for CSV, its quotes doubled

            (exit, output) = await Repo.RunLedgerAsync(["audit", "export", "--format", "xml", "--out", csvFile], Environment, TimeSpan.FromMinutes(2));
            Assert.NotEqual(0, exit);
            Assert.Contains("not jsonl or csv", output);
            (exit, output) = await Repo.RunLedgerAsync(["audit", "export", "--from", end.ToString(), "--to", start.ToString(), "--out", csvFile], Environment, TimeSpan.FromMinutes(2));
            Assert.NotEqual(0, exit);
            Assert.Contains("--to must be after --from", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Verify_names_a_tampered_household_and_an_earlier_digest_exposes_a_rewritten_history()
    {
        var (household, _, _) = await Api.OpenHousehold("张伟");
        await Api.Join(household, "李娜", "spouse", "1987-09-03");
        var digestFile = Path.Combine(Path.GetTempPath(), $"ledger-digest-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, output) = await Repo.RunLedgerAsync(["audit", "digest", "--out", digestFile], Environment, TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, output);
            (exit, output) = await Repo.RunLedgerAsync(["audit", "verify", "--household", household.ToString()], Environment, TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, output);
            Assert.Contains("verified", output);

            await using (var connection = new NpgsqlConnection(Fixture.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "update ledger.mt_events set data = jsonb_set(data, '{name}', '\"王丽\"') where stream_id = $1 and version = 3", connection);
                command.Parameters.AddWithValue(household);
                await command.ExecuteNonQueryAsync();
            }

            (exit, output) = await Repo.RunLedgerAsync(["audit", "verify", "--household", household.ToString()], Environment, TimeSpan.FromMinutes(2));
            Assert.NotEqual(0, exit);
            Assert.Contains("BROKEN", output);
            Assert.Contains($"household {household} at version 3", output);
        }
        finally
        {
            File.Delete(digestFile);
        }
    }
}
