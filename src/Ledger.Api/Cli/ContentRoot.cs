namespace Ledger.Api.Cli;

/// <summary>
/// Where the ledger finds appsettings.json and the support console. In the project folder (<c>dotnet run</c> from
/// src/Ledger.Api) and in a publish folder (Docker) they are in the working directory; <c>dotnet some/dir/ledger.dll</c>
/// from anywhere else finds them next to the assembly. The working directory itself is left alone, so a relative path
/// a user gives (<c>--out audit.csv</c>) means where they ran the command.
/// </summary>
public static class ContentRoot
{
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = Chosen(args) ? null : For(Directory.GetCurrentDirectory(), AppContext.BaseDirectory),
    };

    /// <summary>The assembly's folder, or null (the working directory, the host's default) when that is the right one.</summary>
    public static string? For(string workingDirectory, string assemblyDirectory)
    {
        if (File.Exists(Path.Combine(workingDirectory, "Ledger.Api.csproj"))) return null;
        var same = string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(workingDirectory)),
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(assemblyDirectory)), StringComparison.Ordinal);
        return same ? null : assemblyDirectory;
    }

    // An operator's own choice (--contentRoot, ASPNETCORE_CONTENTROOT) wins.
    private static bool Chosen(string[] args) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
}
