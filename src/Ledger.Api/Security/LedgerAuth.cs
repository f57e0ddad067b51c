using System.Security.Claims;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Spectre.Console;
using NodaTime;

namespace Ledger.Api.Security;

/// <summary>The roles of the ledger (docs/security.md has the matrix).</summary>
public static class Roles
{
    public const string Clerk = "clerk";
    public const string ClaimsAssessor = "claimsAssessor";
    public const string Support = "support";
    public const string Regulator = "regulator";
    public const string Service = "service";

    public static readonly string[] All = [Clerk, ClaimsAssessor, Support, Regulator, Service];
}

/// <summary>Authorization policies, one per kind of access; endpoints name a policy, never roles directly.</summary>
public static class Access
{
    public const string HouseholdWrite = nameof(HouseholdWrite);
    public const string ClaimWrite = nameof(ClaimWrite);
    public const string ClaimDecision = nameof(ClaimDecision);
    public const string ReadViews = nameof(ReadViews);
    public const string ReadHistory = nameof(ReadHistory);
    public const string Registers = nameof(Registers);
    public const string Audit = nameof(Audit);

    public static readonly IReadOnlyDictionary<string, string[]> RolesFor = new Dictionary<string, string[]>
    {
        [HouseholdWrite] = [Roles.Clerk],
        [ClaimWrite] = [Roles.Clerk, Roles.ClaimsAssessor],
        [ClaimDecision] = [Roles.ClaimsAssessor],
        [ReadViews] = [Roles.Clerk, Roles.ClaimsAssessor, Roles.Support, Roles.Service],
        [ReadHistory] = [Roles.Clerk, Roles.ClaimsAssessor, Roles.Support],
        [Registers] = [Roles.Regulator, Roles.Service],
        [Audit] = [Roles.Regulator],
    };
}

/// <summary>
/// JWT bearer authentication. Issuer, audience and key come from <c>Ledger:Auth</c>; an <c>Authority</c> switches to an
/// OpenID Connect provider's published keys. Without a configured key the ledger makes a development key once and keeps
/// it in its data folder (file mode 0600), which <c>ledger token</c> signs with.
/// </summary>
public static class LedgerAuth
{
    public const string Tenant = "tenant";

    public static void AddLedgerAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var issuer = configuration["Ledger:Auth:Issuer"] ?? "ledger";
        var audience = configuration["Ledger:Auth:Audience"] ?? "ledger";
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            if (configuration["Ledger:Auth:Authority"] is { Length: > 0 } authority) o.Authority = authority;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = issuer,
                ValidAudience = audience,
                NameClaimType = "name",
                RoleClaimType = "role",
                IssuerSigningKey = configuration["Ledger:Auth:Authority"] is { Length: > 0 } ? null : new SymmetricSecurityKey(SigningKey(configuration)),
                ClockSkew = TimeSpan.FromMinutes(1),
            };
        });
        services.AddAuthorization(o =>
        {
            // A token must say which one insurer it speaks for: a missing, blank or repeated tenant never falls back to a default one.
            foreach (var (policy, roles) in Access.RolesFor)
                o.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireAssertion(c => Tenancy.TryOf(c.User, out _)).RequireRole(roles));
            // Everything not explicitly public needs a token.
            o.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetFixedWindowLimiter(
                    http.User.Identity?.Name ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = configuration.GetValue("Ledger:RateLimit:PerMinute", 1200),
                        Window = TimeSpan.FromMinutes(1),
                    }));
        });
    }

    /// <summary>The HS256 key: configured (base64), else the development key in the data folder, made on first use.</summary>
    public static byte[] SigningKey(IConfiguration configuration)
    {
        if (configuration["Ledger:Auth:SigningKey"] is { Length: > 0 } configured) return Convert.FromBase64String(configured);
        var folder = LedgerDatabase.DataRoot(configuration);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "signing.key");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }

    public static string CreateToken(byte[] key, string issuer, string audience, string name, IEnumerable<string> roles, string tenant, TimeSpan lifetime)
    {
        var claims = new Dictionary<string, object> { ["name"] = name, [Tenant] = tenant, ["role"] = roles.ToArray() };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            // Token expiry is checked against the real clock by the JWT handler, never the business calendar.
            Expires = SystemClock.Instance.GetCurrentInstant().Plus(Duration.FromTimeSpan(lifetime)).ToDateTimeUtc(),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The authenticated actor, recorded on every event the request appends.</summary>
    public static string? Actor(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? user.Identity.Name ?? user.FindFirst("sub")?.Value : null;

    /// <summary>Headers that keep browsers from sniffing, framing or leaking what the ledger answers.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        if (!http.Request.Path.StartsWithSegments("/docs"))
            headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
        await next();
    });
}

public sealed class TokenInput : NetCoreInput
{
    [Description("Role(s), comma-separated: clerk, claimsAssessor, support, regulator, service"), FlagAlias("role")]
    public string RoleFlag { get; set; } = "";

    [Description("Tenant (insurer) the token is confined to"), FlagAlias("tenant")]
    public string TenantFlag { get; set; } = "default";

    [Description("Who the token speaks for; recorded as the actor of every change"), FlagAlias("name")]
    public string NameFlag { get; set; } = "";

    [Description("Hours the token is valid (default 8)"), FlagAlias("hours")]
    public int HoursFlag { get; set; } = 8;
}

[Description("Print a development token signed with the ledger's local key", Name = "token")]
public sealed class TokenCommand : JasperFxCommand<TokenInput>
{
    /// <summary>
    /// Runs before the host and the command line framework start, so the token is the only line on standard output
    /// (<c>TOKEN=$(ledger token ...)</c> works) and no database is needed.
    /// </summary>
    public static int Run(string[] args, IConfiguration configuration)
    {
        var input = new TokenInput();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--role": input.RoleFlag = args[i + 1]; break;
                case "--tenant": input.TenantFlag = args[i + 1]; break;
                case "--name": input.NameFlag = args[i + 1]; break;
                case "--hours" when int.TryParse(args[i + 1], out var hours): input.HoursFlag = hours; break;
                default: input.NameFlag = ""; break;
            }
        }
        return Issue(input, configuration) ? 0 : 1;
    }

    public override bool Execute(TokenInput input) => Issue(input, new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables().Build());

    private static bool Issue(TokenInput input, IConfiguration configuration)
    {
        var roles = input.RoleFlag.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = roles.Where(r => !Roles.All.Contains(r)).ToList();
        // A token the API would refuse for its tenant is not minted: the user learns it here, not from a 403.
        if (roles.Length == 0 || unknown.Count > 0 || string.IsNullOrWhiteSpace(input.NameFlag) || !Tenancy.IsUsableName(input.TenantFlag)
            || input.HoursFlag is < 1 or > 24 * 30)
        {
            Console.Error.WriteLine($"ledger token: give --role ({string.Join(", ", Roles.All)}), --name and optionally --tenant (one name without spaces) and --hours (1 to 720).");
            return false;
        }
        var token = LedgerAuth.CreateToken(LedgerAuth.SigningKey(configuration), configuration["Ledger:Auth:Issuer"] ?? "ledger",
            configuration["Ledger:Auth:Audience"] ?? "ledger", input.NameFlag, roles, input.TenantFlag, TimeSpan.FromHours(input.HoursFlag));
        Console.WriteLine(token);
        return true;
    }
}
