using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ledger.Benchmarks.Reads;

namespace Ledger.Api.Tests.Hosting;

/// <summary>
/// The benchmarks' HTTP client against a socket that answers when the test says: a server that stops answering must end
/// a benchmark run with failures counted, not hold it for ever (it did, on 2026-12-04, docs/performance.md), and a slow
/// answer or an idle connection must not be taken for a dead one.
/// </summary>
public sealed class LeanHttpTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";

    [Fact]
    public async Task A_request_the_server_never_answers_fails_after_the_answer_timeout()
    {
        using var server = new Server(answerAfter: null);
        using var client = new LeanHttp(server.Address, "token", TimeSpan.FromSeconds(1));

        var clock = Stopwatch.StartNew();
        var status = await client.GetStatusAsync("/health/live").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_answer_slower_than_the_kernels_wait_but_within_the_timeout_is_taken_and_an_idle_connection_stays()
    {
        using var server = new Server(answerAfter: TimeSpan.FromMilliseconds(700));
        using var client = new LeanHttp(server.Address, "token", TimeSpan.FromSeconds(2));

        Assert.Equal(200, await client.GetStatusAsync("/first").WaitAsync(TimeSpan.FromSeconds(10)));
        // Idle for longer than the answer timeout: the connection waits on, and carries the next request.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(200, await client.GetStatusAsync("/second").WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_get_the_server_closes_a_kept_alive_connection_under_is_sent_again_on_a_new_one()
    {
        using var server = new Server(answerAfter: TimeSpan.Zero, closeAfterAnswers: 1);
        using var client = new LeanHttp(server.Address, "token", TimeSpan.FromSeconds(5));

        Assert.Equal(200, await client.GetStatusAsync("/first").WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(200, await client.GetStatusAsync("/second").WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, server.Connections);
        Assert.Equal(1, client.Repeated);
    }

    [Fact]
    public async Task A_new_connection_closed_before_its_first_answer_fails_the_get_and_a_post_is_never_sent_twice()
    {
        using var server = new Server(answerAfter: TimeSpan.Zero, closeAfterAnswers: 0);
        using var client = new LeanHttp(server.Address, "token", TimeSpan.FromSeconds(5));

        Assert.Equal(0, await client.GetStatusAsync("/first").WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, server.Connections);

        using var keptAlive = new Server(answerAfter: TimeSpan.Zero, closeAfterAnswers: 1);
        using var poster = new LeanHttp(keptAlive.Address, "token", TimeSpan.FromSeconds(5));
        Assert.Equal(200, await poster.PostAsync("/first", "{}"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await poster.PostAsync("/second", "{}"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, keptAlive.Connections);
        Assert.Equal(0, client.Repeated + poster.Repeated);
    }

    /// <summary>
    /// Accepts connections and answers each request head after <c>answerAfter</c>, or never when it is null; with
    /// <c>closeAfterAnswers</c>, closes a connection on the request that follows that many answers, as Kestrel does
    /// when its keep-alive timeout ends as a request arrives.
    /// </summary>
    private sealed class Server : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly TimeSpan? _answerAfter;
        private readonly int? _closeAfterAnswers;
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public Server(TimeSpan? answerAfter, int? closeAfterAnswers = null)
        {
            _answerAfter = answerAfter;
            _closeAfterAnswers = closeAfterAnswers;
            _listener.Start();
            _ = AcceptAsync();
        }

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    _ = ServeAsync(socket);
                }
            }
            catch (OperationCanceledException) { }
            catch (SocketException) { }
        }

        private async Task ServeAsync(Socket socket)
        {
            using var _ = socket;
            var buffer = new byte[4096];
            var seen = new StringBuilder();
            var answers = 0;
            try
            {
                while (await socket.ReceiveAsync(buffer, _stop.Token) is var read and > 0)
                {
                    seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
                    while (seen.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0)
                    {
                        seen.Remove(0, end + 4);
                        if (answers == _closeAfterAnswers) return;
                        if (_answerAfter is not { } delay) continue;
                        await Task.Delay(delay, _stop.Token);
                        await socket.SendAsync(Encoding.ASCII.GetBytes(Ok), _stop.Token);
                        answers++;
                    }
                }
            }
            catch (OperationCanceledException) { }
            catch (SocketException) { }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
