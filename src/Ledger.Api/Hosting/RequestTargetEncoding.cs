using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ledger.Api.Hosting;

/// <summary>
/// Kestrel refuses two things people really send with an empty 400, before any middleware can answer: raw UTF-8 in a
/// query (curl sends <c>/households?name=张伟</c> as typed) and <c>%00</c> in a path. This connection filter rewrites
/// only the request target of each HTTP/1.x request before Kestrel parses it: a byte above 0x7F becomes its
/// percent-encoding (what the sender meant), and <c>%00</c> in the path becomes the encoding of U+FFFD, which
/// <see cref="RequestGuard"/> refuses with a problem. Headers and bodies pass byte for byte; a request with a chunked
/// body, an upgrade or an unclear length ends the rewriting for its connection, so a body is never taken for a
/// request line. Anything that is not HTTP/1.x (TLS, HTTP/2) passes untouched.
/// </summary>
public static class RequestTargetEncoding
{
    public static void Use(ListenOptions listen) => listen.Use(next => async connection =>
    {
        var transport = connection.Transport;
        var rewritten = new Pipe();
        var pump = PumpAsync(transport.Input, rewritten.Writer);
        connection.Transport = new Duplex(rewritten.Reader, transport.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            // Kestrel is done with the connection: stop the pump whether it waits to read or to write.
            transport.Input.CancelPendingRead();
            await rewritten.Reader.CompleteAsync();
            await pump;
            connection.Transport = transport;
        }
    });

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    private static async Task PumpAsync(PipeReader input, PipeWriter output)
    {
        var rewriter = new Rewriter(output);
        Exception? failure = null;
        try
        {
            while (true)
            {
                var read = await input.ReadAsync();
                foreach (var segment in read.Buffer) rewriter.Write(segment.Span);
                input.AdvanceTo(read.Buffer.End);
                var flushed = await output.FlushAsync();
                if (read.IsCompleted || read.IsCanceled || flushed.IsCompleted) break;
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        await output.CompleteAsync(failure);
    }

    private enum Part { Method, Target, Version, Headers, Body, PassThrough }

    /// <summary>Follows HTTP/1.x framing (request line, headers, Content-Length body) and re-encodes request targets.</summary>
    private sealed class Rewriter(PipeWriter output)
    {
        private const int KeptLine = 96;
        private static readonly byte[] ReplacementCharacter = "%EF%BF%BD"u8.ToArray();

        private Part _part = Part.Method;
        private int _methodLength;
        private bool _inQuery;
        private int _percent; // 1: a '%' held back, 2: "%0" held back (the path may be spelling %00)
        private readonly byte[] _line = new byte[KeptLine];
        private int _lineLength;
        private bool _lineTooLong;
        private long? _contentLength;
        private bool _unclearFraming;
        private long _bodyLeft;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            var i = 0;
            while (i < bytes.Length)
            {
                if (_part == Part.PassThrough)
                {
                    output.Write(bytes[i..]);
                    return;
                }
                if (_part == Part.Body)
                {
                    var take = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    output.Write(bytes.Slice(i, take));
                    i += take;
                    _bodyLeft -= take;
                    if (_bodyLeft == 0) StartRequest();
                    continue;
                }
                Step(bytes[i++]);
            }
        }

        private void StartRequest()
        {
            _part = Part.Method;
            _methodLength = 0;
            _inQuery = false;
            _percent = 0;
            _lineLength = 0;
            _lineTooLong = false;
            _contentLength = null;
            _unclearFraming = false;
        }

        private void Step(byte b)
        {
            switch (_part)
            {
                case Part.Method:
                    if (b == ' ' && _methodLength > 0) _part = Part.Target;
                    else if (_methodLength == 0 && b is (byte)'\r' or (byte)'\n') { } // empty lines before a request are allowed
                    else if (char.IsAsciiLetter((char)b) || b == '-') _methodLength++;
                    else _part = Part.PassThrough;
                    Emit(b);
                    break;
                case Part.Target:
                    Target(b);
                    break;
                case Part.Version:
                    Emit(b);
                    KeepLineByte(b);
                    if (b == '\n')
                    {
                        var ok = !_lineTooLong && _line.AsSpan(0, _lineLength).StartsWith("HTTP/1."u8);
                        _lineLength = 0;
                        _part = ok ? Part.Headers : Part.PassThrough;
                    }
                    break;
                case Part.Headers:
                    Emit(b);
                    if (b != '\n')
                    {
                        KeepLineByte(b);
                        break;
                    }
                    var line = _line.AsSpan(0, _lineLength).TrimEnd("\r"u8);
                    if (line.IsEmpty) EndHeaders();
                    else Header(line);
                    _lineLength = 0;
                    _lineTooLong = false;
                    break;
            }
        }

        private void Target(byte b)
        {
            if (_percent > 0 && !(b == '0' && !_inQuery))
                ReleaseHeldPercent();
            if (b == ' ')
            {
                _part = Part.Version;
                _lineLength = 0;
                Emit(b);
            }
            else if (b is (byte)'\r' or (byte)'\n')
            {
                Emit(b);
                _part = Part.PassThrough;
            }
            else if (b >= 0x80)
            {
                Span<byte> encoded = [(byte)'%', Hex(b >> 4), Hex(b & 0xF)];
                output.Write(encoded);
            }
            else if (!_inQuery && b == '%' && _percent == 0)
            {
                _percent = 1;
            }
            else if (_percent == 1 && b == '0')
            {
                _percent = 2;
            }
            else if (_percent == 2 && b == '0')
            {
                output.Write(ReplacementCharacter);
                _percent = 0;
            }
            else
            {
                if (b == '?') _inQuery = true;
                Emit(b);
            }
        }

        private void ReleaseHeldPercent()
        {
            output.Write(_percent == 2 ? "%0"u8 : "%"u8);
            _percent = 0;
        }

        private void Header(ReadOnlySpan<byte> line)
        {
            var colon = line.IndexOf((byte)':');
            var name = colon < 0 ? line : line[..colon];
            var framing = name.Trim((byte)' ') switch
            {
                var n when Ascii.EqualsIgnoreCase(n, "content-length"u8) => 1,
                var n when Ascii.EqualsIgnoreCase(n, "transfer-encoding"u8) || Ascii.EqualsIgnoreCase(n, "upgrade"u8) => 2,
                _ => 0,
            };
            if (framing == 0) return;
            if (framing == 2 || _lineTooLong || _contentLength is not null || colon < 0
                || !long.TryParse(line[(colon + 1)..].Trim((byte)' '), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
            {
                _unclearFraming = true;
                return;
            }
            _contentLength = length;
        }

        private void EndHeaders()
        {
            if (_unclearFraming) _part = Part.PassThrough;
            else if (_contentLength is > 0 and var length)
            {
                _part = Part.Body;
                _bodyLeft = length;
            }
            else StartRequest();
        }

        private void KeepLineByte(byte b)
        {
            if (_lineLength < KeptLine) _line[_lineLength++] = b;
            else _lineTooLong = true;
        }

        private void Emit(byte b)
        {
            var span = output.GetSpan(1);
            span[0] = b;
            output.Advance(1);
        }

        private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
    }
}
