using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ledger.Benchmarks.Writes;

/// <summary>
/// A loopback TCP relay in front of PostgreSQL that counts what clients send. A <b>round trip</b> is a client turn: bytes
/// the client sends after the server last spoke, holding at least one Sync or simple Query (the messages the server
/// answers with ReadyForQuery, so the client waits). Authentication turns carry neither and are not counted. Npgsql
/// sends a pooled connection's DISCARD ALL in the same turn as the next command, so <see cref="Syncs"/> (Sync and Query
/// messages) may exceed <see cref="RoundTrips"/>. The relay adds a hop, so runs that measure speed never go through it.
/// </summary>
internal sealed class RoundTripProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private long _roundTrips;
    private long _syncs;

    public RoundTripProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public long RoundTrips => Interlocked.Read(ref _roundTrips);
    public long Syncs => Interlocked.Read(ref _syncs);

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_connections) _connections.Add(RelayAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var _ = client;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var turn = new Turn();
            await Task.WhenAny(PumpAsync(client, server, turn, fromClient: true), PumpAsync(server, client, turn, fromClient: false));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(Socket from, Socket to, Turn turn, bool fromClient)
    {
        var buffer = new byte[64 * 1024];
        var parser = new ClientMessages();
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                if (fromClient)
                {
                    if (Volatile.Read(ref turn.ServerSpoke))
                    {
                        Volatile.Write(ref turn.ServerSpoke, false);
                        turn.Counted = false;
                    }
                    var syncs = parser.Count(buffer.AsSpan(0, read));
                    if (syncs > 0)
                    {
                        Interlocked.Add(ref _syncs, syncs);
                        if (!turn.Counted)
                        {
                            Interlocked.Increment(ref _roundTrips);
                            turn.Counted = true;
                        }
                    }
                }
                else
                {
                    Volatile.Write(ref turn.ServerSpoke, true);
                }
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            try
            {
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private sealed class Turn
    {
        public bool ServerSpoke = true;
        public bool Counted;
    }

    /// <summary>Frames the client's side of the PostgreSQL protocol: untyped start-up packets, then type byte + length.</summary>
    private sealed class ClientMessages
    {
        private const int ProtocolV30 = 196608;
        private const int ProtocolV32 = 196610;
        private readonly byte[] _header = new byte[8];
        private bool _startup = true;
        private int _headerLength;
        private long _bodyLeft;

        public int Count(ReadOnlySpan<byte> data)
        {
            var found = 0;
            while (!data.IsEmpty)
            {
                if (_bodyLeft > 0)
                {
                    var skip = (int)Math.Min(_bodyLeft, data.Length);
                    data = data[skip..];
                    _bodyLeft -= skip;
                    continue;
                }
                var wanted = _startup ? 8 : 5;
                var take = Math.Min(wanted - _headerLength, data.Length);
                data[..take].CopyTo(_header.AsSpan(_headerLength));
                data = data[take..];
                _headerLength += take;
                if (_headerLength < wanted) break;
                _headerLength = 0;
                if (_startup)
                {
                    // SSLRequest and GSSENCRequest come before the StartupMessage; after it, every message is typed.
                    _bodyLeft = BinaryPrimitives.ReadInt32BigEndian(_header) - 8;
                    var code = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(4));
                    if (code is ProtocolV30 or ProtocolV32) _startup = false;
                }
                else
                {
                    _bodyLeft = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(1)) - 4;
                    if (_header[0] is (byte)'S' or (byte)'Q') found++;
                }
            }
            return found;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] open;
        lock (_connections) open = [.. _connections];
        await Task.WhenAll(open);
        _stop.Dispose();
    }
}
