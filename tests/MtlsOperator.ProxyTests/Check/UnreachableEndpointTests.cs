using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests.Check;

/// <summary>The failure classes no proxy is needed for: a port nobody listens on, and a listener that accepts and never speaks.</summary>
public sealed class UnreachableEndpointTests
{
    [Fact]
    public async Task A_port_nobody_listens_on_exits_as_connection_refused()
    {
        var port = FreePort.Next();

        var run = await CheckRun.RunAsync("check", $"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/", "--json");

        Assert.True(run.Exit == 10, run.ToString());
        Assert.Equal("connection-refused", (string)run.Json["failures"]![0]!["class"]!);
        Assert.Contains("connection refused", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listener_that_never_answers_the_handshake_exits_as_timeout_after_the_time_given()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();

        // The deadline covers connect and handshake: with 1 s this failed once on a machine at load 80, most likely because
        // the time ran out before the loopback connect (a connect-stage timeout, not what this test is about); 5 s leaves
        // the handshake as the only wait.
        var run = await CheckRun.RunAsync("check", $"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/", "--timeout", "5s");

        Assert.True(run.Exit == 11, run.ToString());
        Assert.Contains("no TLS handshake within the time given", run.Stdout, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4.9), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Thumbprint_connect_to_a_closed_port_exits_as_connection_refused()
    {
        var run = await CheckRun.RunAsync("thumbprint", "--connect", $"127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}");

        Assert.True(run.Exit == 10, run.ToString());
    }
}
