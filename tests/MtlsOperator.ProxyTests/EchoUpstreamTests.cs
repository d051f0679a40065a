using System.Net;
using System.Net.Sockets;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>The test app behind the proxies gives its port back once and for all when disposed.</summary>
public sealed class EchoUpstreamTests
{
    [Fact]
    public async Task Disposing_never_binds_the_port_again_after_releasing_it()
    {
        // Another test (or process) taking the port the moment it is free: a disposal that binds it again then fails.
        for (var i = 0; i < 20; i++)
        {
            var echo = EchoUpstream.Start();
            using var stop = new CancellationTokenSource();
            var taker = Task.Run(() => TakePort(echo.Port, stop.Token));

            var failure = await Record.ExceptionAsync(() => echo.DisposeAsync().AsTask());

            var taken = await taker.WaitAsync(TimeSpan.FromSeconds(30));
            taken?.Stop();
            Assert.Null(failure);
        }
    }

    private static TcpListener? TakePort(int port, CancellationToken stop)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!stop.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            var listener = new TcpListener(IPAddress.Any, port);
            try
            {
                listener.Start();
                return listener;
            }
            catch (SocketException)
            {
                listener.Dispose();
            }
        }

        return null;
    }
}
