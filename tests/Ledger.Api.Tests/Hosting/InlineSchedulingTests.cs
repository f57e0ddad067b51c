using Ledger.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// The opt-in event-loop scheduling (decision 0015): off unless asked for, and asked for only as the measured pair. The
/// sockets' variable is the process's: these tests set it and put it back, one at a time (one class).
/// </summary>
public sealed class InlineSchedulingTests
{
    [Fact]
    public void Kestrel_hands_requests_to_the_thread_pool_by_default()
    {
        Assert.False(SocketOptions(setting: null, sockets: "1").UnsafePreferInlineScheduling);
        Assert.False(SocketOptions(setting: "false", sockets: "1").UnsafePreferInlineScheduling);
    }

    [Fact]
    public void The_setting_with_inline_socket_completions_runs_requests_inline()
    {
        Assert.True(SocketOptions(setting: "true", sockets: "1").UnsafePreferInlineScheduling);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    public void The_setting_without_inline_socket_completions_stops_the_start_naming_both(string? sockets)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => SocketOptions(setting: "true", sockets));
        Assert.Contains(InlineScheduling.Setting, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"{InlineScheduling.SocketCompletions}=1", refused.Message, StringComparison.Ordinal);
    }

    private static SocketTransportOptions SocketOptions(string? setting, string? sockets)
    {
        var before = Environment.GetEnvironmentVariable(InlineScheduling.SocketCompletions);
        Environment.SetEnvironmentVariable(InlineScheduling.SocketCompletions, sockets);
        try
        {
            var builder = WebApplication.CreateBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [InlineScheduling.Setting] = setting });
            builder.AddInlineScheduling();
            using var services = builder.Services.BuildServiceProvider();
            return services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        }
        finally
        {
            Environment.SetEnvironmentVariable(InlineScheduling.SocketCompletions, before);
        }
    }
}
