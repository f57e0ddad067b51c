using System.Reflection;
using Ledger.Api.Households;
using Wolverine;

namespace Ledger.Api.Tests.Households;

/// <summary>
/// A grouped command commits in the group's session, which is not Wolverine's (decision 0016): a message it sent
/// through the handler's bus or session would commit apart from its events. These fail when a household handler that
/// joins groups comes to send one, so whoever adds it decides how it commits instead of finding out in production.
/// </summary>
public sealed class GroupedHandlerShapeTests
{
    private static readonly MethodInfo[] GroupedHandlers = typeof(HouseholdCommits).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
        .Where(m => m.Name == "Handle" && m.GetParameters() is [{ ParameterType: { IsGenericType: true } first }, ..]
                    && first.GetGenericTypeDefinition() == typeof(HouseholdWrite<>)
                    && m.GetParameters().Any(p => p.ParameterType == typeof(HouseholdCommits)))
        .ToArray();

    [Fact]
    public void Every_household_command_but_the_opening_joins_groups()
    {
        var commands = GroupedHandlers.Select(m => m.GetParameters()[0].ParameterType.GetGenericArguments()[0].Name).ToHashSet();
        Assert.True(commands.Count >= 20, string.Join(", ", commands));
        Assert.Contains("JoinMember", commands);
        Assert.DoesNotContain("OpenHousehold", commands);
    }

    [Fact]
    public void A_grouped_handler_sends_no_message_and_cascades_none()
    {
        Assert.All(GroupedHandlers, handler =>
        {
            var name = $"{handler.DeclaringType!.Name}.{handler.Name}";
            Assert.True(handler.ReturnType == typeof(Task<WriteAnswer>), $"{name} returns {handler.ReturnType}: a cascaded message would not commit with the group");
            Assert.DoesNotContain(handler.GetParameters(), p =>
                typeof(IMessageBus).IsAssignableFrom(p.ParameterType) || p.ParameterType.Namespace?.StartsWith("Wolverine", StringComparison.Ordinal) == true);
        });
    }
}
