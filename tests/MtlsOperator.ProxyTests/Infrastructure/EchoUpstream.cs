using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>The app behind the proxy: answers 200 with the request headers it received as JSON and records every request.</summary>
public sealed class EchoUpstream : IUpstreamApp
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private EchoUpstream(int port)
    {
        Port = port;
        // "+" accepts any Host header: requests keep the name the client used at the proxy.
        _listener.Prefixes.Add($"http://+:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>Headers of every request that reached the app, in arrival order (repeated headers joined with ',').</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();

    /// <summary>Starts on a free loopback port, retrying when another process takes the port first.</summary>
    public static EchoUpstream Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new EchoUpstream(FreePort.Next());
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>Parses the JSON body the app answered with back into headers (names lower-case).</summary>
    public static IReadOnlyDictionary<string, string> HeadersIn(string body) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(body) ?? [];

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!.ToLowerInvariant(), k => context.Request.Headers[k] ?? "", StringComparer.Ordinal);
            Requests.Enqueue(headers);
            var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(headers));
            // /status/NNN answers with that status: an application that fails behind an admitting proxy.
            var path = context.Request.Url?.AbsolutePath ?? "";
            context.Response.StatusCode = path.StartsWith("/status/", StringComparison.Ordinal) && int.TryParse(path["/status/".Length..], out var status) && status is >= 200 and < 600
                ? status
                : 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // Close only (it stops too): the managed HttpListener's Stop releases the port, and a Close after it looks the
        // endpoint up again and binds it anew, failing with "Address already in use" once a parallel test took the port.
        _listener.Close();
        await _loop;
        _stop.Dispose();
    }
}
