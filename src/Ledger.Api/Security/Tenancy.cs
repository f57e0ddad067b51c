using System.Security.Claims;

namespace Ledger.Api.Security;

/// <summary>
/// Each insurer is a tenant (Marten conjoined tenancy: every event and document carries its tenant id). A token's
/// tenant confines every read and write; a household of another tenant simply does not exist for it (404, never 403).
/// Regulators read across tenants.
/// </summary>
public static class Tenancy
{
    /// <summary>The tenant <c>ledger token</c> names when none is given; never assumed for a token that names none.</summary>
    public const string Default = "default";

    /// <summary>
    /// The one tenant a token names: a single <c>tenant</c> claim holding a non-blank string without spaces or control
    /// characters. An empty, blank, repeated or non-string claim names no insurer, and a token that names none must be
    /// refused, never read as the default tenant.
    /// </summary>
    public static bool TryOf(ClaimsPrincipal user, out string tenant)
    {
        tenant = "";
        var claims = user.FindAll(LedgerAuth.Tenant).ToList();
        if (claims is not [{ } claim] || claim.ValueType != ClaimValueTypes.String || !IsUsableName(claim.Value)) return false;
        tenant = claim.Value;
        return true;
    }

    /// <summary>
    /// A tenant name: 1 to <see cref="MaxNameLength"/> characters, no spaces or control characters (so " a" and "a"
    /// cannot be two insurers), no quote or backslash, and not Marten's own name for the tenant of sessions opened
    /// without one. Marten's sharded tenancy names a tenant's table partitions after it (PostgreSQL names are at most
    /// 63 bytes, the longest table's name included) and refuses quotes and backslashes in them.
    /// </summary>
    public static bool IsUsableName(string name) =>
        name.Length is > 0 and <= MaxNameLength && System.Text.Encoding.UTF8.GetByteCount(name) <= MaxNameLength
        && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '\'' or '"' or '\\')
        && !string.Equals(name, MartenDefaultTenant, StringComparison.OrdinalIgnoreCase);

    public const int MaxNameLength = 30;

    // What Marten calls the tenant of a session opened without one (IQuerySession.TenantId).
    private const string MartenDefaultTenant = "*DEFAULT*";

    /// <summary>The token's tenant; every access policy has already refused a token without exactly one.</summary>
    public static string Of(ClaimsPrincipal user) =>
        TryOf(user, out var tenant) ? tenant : throw new InvalidOperationException("The token names no single tenant; its access policy should have refused it.");

    public static bool AcrossTenants(ClaimsPrincipal user) => user.IsInRole(Roles.Regulator);
}
