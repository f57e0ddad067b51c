using System.Diagnostics;
using System.Text.Json;
using Ledger.Api.Hosting;
using Ledger.Domain.Households;
using Ledger.Domain.Seeding;
using NodaTime;

/// <summary>
/// Where a read's own CPU goes, without HTTP or PostgreSQL: 500 seeded families' household documents, each read back
/// (Marten's storage JSON settings), turned into the view for a date and written as the API's JSON, timed step by step.
/// A diagnostic beside the reads benchmark (which gives the whole request's CPU by process), not a figure of its own.
/// </summary>
internal static class RenderProbe
{
    public static int Run()
    {
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var storage = LedgerJson.ConfigureStorage(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var docs = Enumerable.Range(0, 500).Select(i => FamilyGenerator.Generate(1, i, "t", $"HH{i:D8}", zone).State)
            .Select(h => JsonSerializer.SerializeToUtf8Bytes(h, storage)).ToArray();
        var on = new LocalDate(2025, 6, 15);
        Console.WriteLine($"avg doc {docs.Average(d => d.Length):F0} bytes");
        for (var round = 0; round < 4; round++)
        {
            var (de, re, se) = (0L, 0L, 0L);
            var sw = new Stopwatch();
            var n = 0;
            for (var k = 0; k < 10; k++)
                foreach (var d in docs)
                {
                    sw.Restart();
                    var h = JsonSerializer.Deserialize<Household>(d, storage)!;
                    de += sw.ElapsedTicks; sw.Restart();
                    var view = CoverageView.Of(h, on, null);
                    re += sw.ElapsedTicks; sw.Restart();
                    JsonSerializer.SerializeToUtf8Bytes(view, LedgerJson.Options);
                    se += sw.ElapsedTicks;
                    n++;
                }
            double Us(long t) => t * 1_000_000.0 / Stopwatch.Frequency / n;
            Console.WriteLine($"deserialize {Us(de):F1} us, render {Us(re):F1} us, serialize {Us(se):F1} us; gen0 {GC.CollectionCount(0)}");
        }
        return 0;
    }
}
