using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ledger.Benchmarks.Reads;

/// <summary>
/// The benchmarks' HTTP client: requests over keep-alive HTTP/1.1 connections on blocking sockets, one receiving
/// thread per connection. The caller's thread sends (a request is a few hundred bytes: the socket buffer takes it at
/// once) and the connection's thread blocks in the kernel until the answer arrives, then completes the caller's task on
/// that thread. One wake-up per request. <see cref="HttpClient"/> costs 0.28–0.34 ms of CPU per request on two cores
/// (its connection pool, the thread pool's hops, the response's objects), a third of a core at 1,000/s on the machine
/// the ledger runs on: the trap BENCHMARKS.md warns about, and more than pgbench's client spends (0.09 ms).
/// </summary>
internal sealed class LeanHttp : IDisposable
{
    private readonly IPEndPoint _server;
    private readonly string _headers;
    private readonly ConcurrentStack<Connection> _idle = new();
    private readonly List<Connection> _all = [];
    private volatile bool _disposed;

    public TimeSpan AnswerTimeout { get; }

    /// <param name="answerTimeout">
    /// How long a request may wait for its answer (default 30 s) before it counts as failed and its connection is
    /// dropped. Without it a server that stopped answering (a thread-pool starvation, docs/performance.md) held a run,
    /// and the benchmark, for ever; with it the run ends with its failures counted.
    /// </param>
    public LeanHttp(Uri baseAddress, string bearerToken, TimeSpan? answerTimeout = null)
    {
        AnswerTimeout = answerTimeout ?? TimeSpan.FromSeconds(30);
        _server = new IPEndPoint(IPAddress.Parse(baseAddress.Host), baseAddress.Port);
        _headers = $"HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nAuthorization: Bearer {bearerToken}\r\nAccept: application/json\r\n";
    }

    /// <summary>
    /// The status code <paramref name="path"/> was answered with; 0 if no complete answer came. A GET sent on a reused
    /// connection that the server closed before a byte of its answer is sent again, once, on a new connection, as
    /// <see cref="HttpClient"/> does: the server closing an idle keep-alive connection as the request goes out is not
    /// the server failing the request (before this, 7–18 such reads a run counted as failures, docs/performance.md).
    /// </summary>
    public Task<int> GetStatusAsync(string path)
    {
        var pending = new TaskCompletionSource<int>();
        Send(new Request(Encoding.ASCII.GetBytes($"GET {path} {_headers}\r\n"), pending, SafeToRepeat: true));
        return pending.Task;
    }

    /// <summary>The status code a JSON body posted to <paramref name="path"/> was answered with; 0 if the connection failed. Never sent twice.</summary>
    public Task<int> PostAsync(string path, byte[] json)
    {
        var head = Encoding.ASCII.GetBytes($"POST {path} {_headers}Content-Type: application/json\r\nContent-Length: {json.Length}\r\n\r\n");
        var pending = new TaskCompletionSource<int>();
        Send(new Request([.. head, .. json], pending, SafeToRepeat: false));
        return pending.Task;
    }

    /// <summary>How many requests were sent again after a reused connection closed under them.</summary>
    public int Repeated => Volatile.Read(ref _repeated);

    private int _repeated;

    private void Send(Request request)
    {
        // A connection the server closed while it sat idle (Kestrel's keep-alive timeout) is dropped here.
        Connection? connection;
        while (_idle.TryPop(out connection) && connection.Closed) { }
        (connection ?? Open()).Send(request);
    }

    private Connection Open()
    {
        var connection = new Connection(this);
        lock (_all) _all.Add(connection);
        return connection;
    }

    /// <summary>A request closed under on a connection that had answered before: once more on a new one, or failed.</summary>
    private void Lost(Request request, bool connectionWasReused)
    {
        if (!request.SafeToRepeat || !connectionWasReused || _disposed)
        {
            request.Answer.TrySetResult(0);
            return;
        }
        Interlocked.Increment(ref _repeated);
        try
        {
            Open().Send(request with { SafeToRepeat = false });
        }
        catch (SocketException)
        {
            request.Answer.TrySetResult(0);
        }
    }

    private sealed record Request(byte[] Bytes, TaskCompletionSource<int> Answer, bool SafeToRepeat);

    public void Dispose()
    {
        _disposed = true;
        lock (_all)
            foreach (var connection in _all) connection.Close();
    }

    private sealed class Connection
    {
        private readonly LeanHttp _owner;
        private readonly Socket _socket;
        private Request? _pending;
        private long _sentAt;
        private int _answered;
        private volatile bool _closed;

        public Connection(LeanHttp owner)
        {
            _owner = owner;
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            {
                NoDelay = true,
                // The kernel's timeout on each wait (SO_RCVTIMEO): the receiving thread checks whether a request is late.
                ReceiveTimeout = (int)Math.Max(1, owner.AnswerTimeout.TotalMilliseconds / 4),
            };
            _socket.Connect(owner._server);
            new Thread(Receive) { IsBackground = true, Name = "lean-http receive" }.Start();
        }

        /// <summary>Its receiving thread has ended: the server closed it, or the socket failed.</summary>
        public bool Closed => _closed;

        /// <remarks>The answer is given on the receiving thread, where the caller's continuation (timing the request) then runs.</remarks>
        public void Send(Request request)
        {
            Volatile.Write(ref _sentAt, Environment.TickCount64);
            Interlocked.Exchange(ref _pending, request);
            // Closed after it was taken: the receiving thread may have ended before it could see this request.
            if (_closed)
            {
                LoseThePending();
                return;
            }
            try
            {
                _socket.Send(request.Bytes);
            }
            catch (SocketException)
            {
                LoseThePending();
            }
        }

        private void LoseThePending()
        {
            if (Interlocked.Exchange(ref _pending, null) is { } lost)
                _owner.Lost(lost, connectionWasReused: Volatile.Read(ref _answered) > 0);
        }

        public void Close()
        {
            try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
            _socket.Close();
        }

        private void Receive()
        {
            var buffer = new byte[1 << 16];
            var filled = 0;
            var late = false;
            try
            {
                while (!_owner._disposed)
                {
                    int read;
                    try
                    {
                        read = _socket.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
                    {
                        // Idle, or an answer still within its time: wait on. A late answer fails its request below.
                        if (Volatile.Read(ref _pending) is null || Environment.TickCount64 - Volatile.Read(ref _sentAt) < _owner.AnswerTimeout.TotalMilliseconds)
                            continue;
                        late = true;
                        break;
                    }
                    if (read == 0) break;
                    filled += read;
                    int consumed;
                    while ((consumed = Response.Complete(buffer.AsSpan(0, filled), out var status)) > 0)
                    {
                        Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                        filled -= consumed;
                        var pending = Interlocked.Exchange(ref _pending, null);
                        Interlocked.Increment(ref _answered);
                        // Idle again before the caller hears of it: the next request may be sent from its continuation.
                        _owner._idle.Push(this);
                        pending?.Answer.TrySetResult(status);
                    }
                    if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                }
            }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
            _closed = true;
            _socket.Close();
            // Part of an answer came, or none in its time: the server took the request, so it is not sent again.
            if (late || filled > 0)
                Interlocked.Exchange(ref _pending, null)?.Answer.TrySetResult(0);
            else
                LoseThePending();
        }
    }

    /// <summary>Just enough of HTTP/1.1 to find where an answer ends: Content-Length or chunked transfer coding.</summary>
    internal static class Response
    {
        private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;
        private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

        /// <summary>The length of the complete answer at the start of <paramref name="data"/>, or 0 if it has not all arrived.</summary>
        public static int Complete(ReadOnlySpan<byte> data, out int status)
        {
            status = 0;
            var headerEnd = data.IndexOf(HeaderEnd);
            if (headerEnd < 0) return 0;
            var head = data[..headerEnd];
            if (head.Length > 12 && Utf8Parser.TryParse(head.Slice(9, 3), out int code, out var used) && used == 3) status = code;
            var body = headerEnd + HeaderEnd.Length;
            if (Header(head, "content-length"u8) is { } length)
                return data.Length - body >= length ? body + length : 0;
            if (Header(head, "transfer-encoding"u8) is null) return body;
            // Chunked: size in hex, CRLF, data, CRLF; the last chunk has size 0 and is followed by an empty line.
            var at = body;
            while (true)
            {
                var line = data[at..].IndexOf(LineEnd);
                if (line < 0) return 0;
                if (!Utf8Parser.TryParse(data.Slice(at, line), out int size, out _, 'x')) { status = 0; return data.Length; }
                at += line + LineEnd.Length;
                if (size == 0)
                    return data.Length - at >= LineEnd.Length ? at + LineEnd.Length : 0;
                at += size + LineEnd.Length;
                if (at > data.Length) return 0;
            }
        }

        /// <summary>A header's value as a number, or -1 when it is there but not a number; null when absent.</summary>
        private static int? Header(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
        {
            foreach (var range in head.Split(LineEnd))
            {
                var line = head[range];
                var colon = line.IndexOf((byte)':');
                if (colon < 0 || !Ascii.EqualsIgnoreCase(line[..colon].Trim((byte)' '), name)) continue;
                return Utf8Parser.TryParse(line[(colon + 1)..].Trim((byte)' '), out int value, out _) ? value : -1;
            }
            return null;
        }
    }
}
