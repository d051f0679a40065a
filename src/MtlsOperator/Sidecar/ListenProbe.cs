using System.Net;
using System.Net.Sockets;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Sidecar;

/// <summary>Whether the proxy accepts where its config listens (a TCP connection there succeeds), and whether a new listen
/// address is free before the proxy is asked to take it.</summary>
internal static class ListenProbe
{
    // Linux's SOL_SOCKET, SO_REUSEADDR and SO_REUSEPORT (the same on x86-64 and arm64), set raw so nothing is translated.
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    private static readonly TimeSpan s_attempt = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_pause = TimeSpan.FromMilliseconds(100);

    /// <summary>Tries to connect until one attempt succeeds (true) or <paramref name="timeout"/> has passed (false).</summary>
    public static async Task<bool> AcceptsAsync(ListenEndpoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        do
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(s_attempt);
            try
            {
                await socket.ConnectAsync(endpoint.Host, endpoint.Port, attempt.Token).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                await Task.Delay(s_pause, cancellationToken).ConfigureAwait(false);
            }
        }
        while (DateTime.UtcNow < deadline);

        return false;
    }

    /// <summary>Why <paramref name="endpoint"/> (the address a new version binds) cannot be bound, or null when it can (or is
    /// not an IP address). Bound as the proxies bind (SO_REUSEADDR, SO_REUSEPORT), so only a socket another process holds
    /// without SO_REUSEPORT counts as taken: a draining worker of our own proxy does not.</summary>
    /// <remarks>Neither <c>haproxy -c</c> nor <c>nginx -t</c> binds, and a reload onto a taken port is costly: HAProxy's new
    /// process pauses the old workers' listeners while it retries the bind, and connection attempts are refused meanwhile.</remarks>
    public static string? WhyNotBindable(ListenEndpoint endpoint)
    {
        if (!IPAddress.TryParse(endpoint.Host, out var address))
        {
            return null;
        }

        if (endpoint.Wildcard)
        {
            address = address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        }

        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
        try
        {
            socket.Bind(new IPEndPoint(address, endpoint.Port));
            socket.Listen();
            return null;
        }
        catch (SocketException e)
        {
            return $"cannot bind {endpoint.Host}:{endpoint.Port} in this pod ({e.SocketErrorCode}: {e.Message}); another process holds the port";
        }
    }
}
