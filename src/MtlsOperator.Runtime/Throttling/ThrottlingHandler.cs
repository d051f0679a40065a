using System.Net;

namespace MtlsOperator.Runtime.Throttling;

/// <summary>
/// The client's side of API server flow control: paces requests under <see cref="ClientThrottling.Qps"/> when a limit is set,
/// and sends a request again, after the time the server asks, when it answers 429 Too Many Requests or a 5xx with a
/// Retry-After header (client-go's rule: such an answer means "not now", not "no").
/// </summary>
/// <remarks>Sits in the KubernetesClient's handler chain, so typed calls, watches and <c>Runtime/Wire</c>'s writes all pass
/// through it. A retried request is re-sent whole; one whose body cannot be read twice (a stream) is not retried.</remarks>
public sealed class ThrottlingHandler : DelegatingHandler
{
    private readonly ClientThrottling _options;
    private readonly TokenBucket? _bucket;
    private readonly TimeProvider _time;

    public ThrottlingHandler(ClientThrottling options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries);
        _options = options;
        _time = time ?? TimeProvider.System;
        _bucket = options.Qps is { } qps ? new TokenBucket(qps, options.EffectiveBurst!.Value, _time) : null;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (var attempt = 0; ; attempt++)
        {
            await PaceAsync(request, cancellationToken).ConfigureAwait(false);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (attempt >= _options.MaxRetries || !Resendable(request) || RetryAfter(response, _time.GetUtcNow(), _options.LongestRetryAfter) is not { } delay)
            {
                return response;
            }

            RuntimeMetrics.ApiRetries.Add(1, new KeyValuePair<string, object?>("code", (int)response.StatusCode), new KeyValuePair<string, object?>("method", request.Method.Method));
            response.Dispose();
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The wait a 429 or 5xx answer asks for (Retry-After as seconds or as a date), or null when it asks for none,
    /// is not such an answer, or asks for longer than <paramref name="longest"/>.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now, TimeSpan longest)
    {
        var code = (int)response.StatusCode;
        if ((code != (int)HttpStatusCode.TooManyRequests && code < 500) || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        var delay = header.Delta ?? (header.Date is { } date ? date - now : null);
        return delay switch
        {
            null => null,
            { } d when d > longest => null,
            { } d when d < TimeSpan.Zero => TimeSpan.Zero,
            { } d => d,
        };
    }

    // Bodies KubernetesClient and Runtime/Wire send are buffers (string, bytes, memory); a stream could not be sent twice.
    private static bool Resendable(HttpRequestMessage request) => request.Content is null or ByteArrayContent or ReadOnlyMemoryContent;

    private async Task PaceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_bucket?.Take() is not { Ticks: > 0 } wait)
        {
            return;
        }

        var started = _time.GetTimestamp();
        try
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            RuntimeMetrics.ClientThrottleWait.Add(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("method", request.Method.Method));
        }
    }
}
