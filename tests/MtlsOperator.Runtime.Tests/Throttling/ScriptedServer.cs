using System.Collections.Concurrent;
using System.Net;

namespace MtlsOperator.Runtime.Tests.Throttling;

/// <summary>The inner end of a handler chain: answers each request with the next scripted answer (200 once the script is
/// used up) and keeps what was sent, with its body as it arrived.</summary>
internal sealed class ScriptedServer(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpResponseMessage>> _answers = new(answers);
    private readonly SemaphoreSlim _arrived = new(0);

    public ConcurrentQueue<(HttpMethod Method, string? Body)> Received { get; } = new();

    /// <summary>Waits (in real time, bounded) until <paramref name="count"/> requests have arrived in all.</summary>
    public async Task WaitForAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (Received.Count < count)
        {
            await _arrived.WaitAsync(timeout.Token);
        }
    }

    public static Func<HttpResponseMessage> Answer(HttpStatusCode code, string? retryAfter = null) => () =>
    {
        var response = new HttpResponseMessage(code) { Content = new StringContent("{}") };
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Received.Enqueue((request.Method, body));
        _arrived.Release();
        return _answers.TryDequeue(out var next) ? next() : Answer(HttpStatusCode.OK)();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _arrived.Dispose();
        }

        base.Dispose(disposing);
    }
}
