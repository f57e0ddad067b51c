namespace Ledger.Domain;

/// <summary>What kind of refusal a rule violation is; the HTTP edge maps it to a status code.</summary>
public enum ViolationKind
{
    /// <summary>The command is well formed but breaks an insurance or household rule (HTTP 422).</summary>
    Rule,
    /// <summary>The command contradicts the current state, e.g. leaving twice (HTTP 409).</summary>
    Conflict,
    /// <summary>The command names a person, policy or claim the household does not have (HTTP 404).</summary>
    NotFound,
}

/// <summary>
/// A command refused by a domain rule. <see cref="Code"/> is a stable identifier clients may switch on;
/// <see cref="Exception.Message"/> is for people.
/// </summary>
public sealed class DomainRuleViolated(string code, string message, ViolationKind kind = ViolationKind.Rule)
    : Exception(message)
{
    public string Code { get; } = code;
    public ViolationKind Kind { get; } = kind;
}
