using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Ledger.Benchmarks.Writes;

/// <summary>What the machine has done up to one instant: statements by query, and CPU seconds by process.</summary>
internal sealed record Reading(
    long Timestamp,
    IReadOnlyDictionary<string, (long Calls, double ExecMs, string Query)> Statements,
    double PostgresCpu,
    double LedgerCpu,
    double BenchCpu,
    double ChildCpu,
    long RoundTrips,
    long Syncs)
{
    public long TotalStatements => Statements.Values.Sum(s => s.Calls);
}

/// <summary>The difference of two readings, with the background of an idle window of the same rate taken off.</summary>
internal sealed record Work(double Seconds, double Statements, double PostgresCpu, double LedgerCpu, double BenchCpu, double ChildCpu,
    double RoundTrips, double Syncs, IReadOnlyDictionary<string, (double Calls, double ExecMs, string Query)> ByStatement)
{
    public static Work Between(Reading before, Reading after, Work? idlePerSecond = null)
    {
        var seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        var idle = idlePerSecond ?? Nothing;
        var byStatement = new Dictionary<string, (double, double, string)>();
        foreach (var (key, (calls, execMs, query)) in after.Statements)
        {
            var had = before.Statements.TryGetValue(key, out var b);
            var background = idle.ByStatement.TryGetValue(key, out var i) ? i : default;
            var delta = calls - (had ? b.Calls : 0) - background.Calls * seconds;
            if (delta > 0.5) byStatement[key] = (delta, Math.Max(0, execMs - (had ? b.ExecMs : 0) - background.ExecMs * seconds), query);
        }
        return new Work(seconds,
            Math.Max(0, after.TotalStatements - before.TotalStatements - idle.Statements * seconds),
            Math.Max(0, after.PostgresCpu - before.PostgresCpu - idle.PostgresCpu * seconds),
            Math.Max(0, after.LedgerCpu - before.LedgerCpu - idle.LedgerCpu * seconds),
            after.BenchCpu - before.BenchCpu,
            after.ChildCpu - before.ChildCpu,
            Math.Max(0, after.RoundTrips - before.RoundTrips - idle.RoundTrips * seconds),
            Math.Max(0, after.Syncs - before.Syncs - idle.Syncs * seconds),
            byStatement);
    }

    public static readonly Work Nothing = new(0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, (double, double, string)>());

    /// <summary>The lower background of two idle windows, figure by figure: each may be raised by what came before it.</summary>
    public static Work Least(Work a, Work b) => new(1, Math.Min(a.Statements, b.Statements), Math.Min(a.PostgresCpu, b.PostgresCpu),
        Math.Min(a.LedgerCpu, b.LedgerCpu), Math.Min(a.BenchCpu, b.BenchCpu), Math.Min(a.ChildCpu, b.ChildCpu),
        Math.Min(a.RoundTrips, b.RoundTrips), Math.Min(a.Syncs, b.Syncs),
        a.ByStatement.Where(s => b.ByStatement.ContainsKey(s.Key))
            .ToDictionary(s => s.Key, s => (Math.Min(s.Value.Calls, b.ByStatement[s.Key].Calls), Math.Min(s.Value.ExecMs, b.ByStatement[s.Key].ExecMs), s.Value.Query)));

    /// <summary>
    /// The statements of this work as a table, per <paramref name="unit"/> (command, request): calls, and execution time,
    /// which is where a plan gone wrong shows.
    /// </summary>
    public void PrintStatements(string title, double units, string unit)
    {
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine($"| calls/{unit} | execution ms/call | execution ms/{unit} | statement |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (calls, execMs, query) in ByStatement.Values.Where(s => s.Calls / units >= 0.02).OrderByDescending(s => s.Calls).ThenByDescending(s => s.ExecMs))
        {
            var text = string.Join(' ', query.Split((char[])[' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {calls / units:F2} | {execMs / calls:F3} | {execMs / units:F3} | `{(text.Length > 160 ? text[..160] + "…" : text).Replace("|", "\\|", StringComparison.Ordinal)}` |"));
        }
    }

    public Work PerSecond() => new(1, Statements / Seconds, PostgresCpu / Seconds, LedgerCpu / Seconds, BenchCpu / Seconds, ChildCpu / Seconds,
        RoundTrips / Seconds, Syncs / Seconds, ByStatement.ToDictionary(s => s.Key, s => (s.Value.Calls / Seconds, s.Value.ExecMs / Seconds, s.Value.Query)));
}

/// <summary>
/// Reads pg_stat_statements (top-level statements, utility ones such as BEGIN, COMMIT and DISCARD ALL included) and
/// the CPU time of the PostgreSQL processes, the ledger process and this one from /proc.
/// </summary>
internal sealed class Meters(NpgsqlDataSource admin, int postmasterPid, RoundTripProxy proxy)
{
    // USER_HZ: the unit of /proc/<pid>/stat times on every Linux the kernel ABI allows.
    private const double TicksPerSecond = 100;

    public int? LedgerPid { get; set; }

    public async Task<Reading> ReadAsync()
    {
        var statements = new Dictionary<string, (long, double, string)>();
        // Our own readings are left out: they are the instrument, not the work.
        await using (var command = admin.CreateCommand(
                         "select dbid::text || ':' || queryid::text || ':' || toplevel::text, calls, total_exec_time, query from pg_stat_statements " +
                         "where query not like '%pg_stat_statements%'"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                if (!reader.IsDBNull(0)) statements[reader.GetString(0)] = (reader.GetInt64(1), reader.GetDouble(2), reader.GetString(3));
        return new Reading(Stopwatch.GetTimestamp(), statements, PostgresCpu(), LedgerPid is { } pid ? Cpu(pid, withChildren: false) : 0,
            Cpu(Environment.ProcessId, withChildren: false), ChildrenCpu(Environment.ProcessId), proxy.RoundTrips, proxy.Syncs);
    }

    /// <summary>
    /// The postmaster and every backend; the postmaster's children fields hold the CPU of backends that have already exited
    /// (pgbench's connections end with its run).
    /// </summary>
    private double PostgresCpu()
    {
        var total = Cpu(postmasterPid, withChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == postmasterPid) continue;
            if (Stat(pid) is { } fields && fields[1] == postmasterPid.ToString(CultureInfo.InvariantCulture))
                total += Seconds(fields, 11, 12, 13, 14);
        }
        return total;
    }

    private static double Cpu(int pid, bool withChildren) =>
        Stat(pid) is { } fields ? (withChildren ? Seconds(fields, 11, 12, 13, 14) : Seconds(fields, 11, 12)) : 0;

    /// <summary>CPU of waited-for children of this process: the pgbench runs.</summary>
    private static double ChildrenCpu(int pid) => Stat(pid) is { } fields ? Seconds(fields, 13, 14) : 0;

    private static double Seconds(string[] fields, params int[] indexes) =>
        indexes.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture)) / TicksPerSecond;

    /// <summary>The fields of /proc/&lt;pid&gt;/stat after the command name (which may contain spaces): [0] state, [1] ppid, [11] utime ...</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
