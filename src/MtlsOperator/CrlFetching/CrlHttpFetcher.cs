using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using MtlsOperator.Engine.CrlDistribution;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.CrlFetching;

/// <summary>One response from a CRL URL: a body (new, or unchanged after a conditional request), or an error in words that stay the same
/// while the failure does (they go into status, so a changing word would be a write on every fetch).</summary>
internal sealed record CrlResponse(byte[]? Body, bool NotModified, string? Error, EntityTagHeaderValue? ETag, DateTimeOffset? LastModified);

/// <summary>Fetches CRLs over HTTP(S) with bounds on everything a server controls: size (the 1 MiB a ConfigMap and the listener's Secret can
/// hold), total time (headers and body: a slow-drip server is cut off), redirects (3, never https to http). No credentials, cookies or
/// decompression; proxies from the standard HTTP_PROXY / HTTPS_PROXY / NO_PROXY variables.</summary>
internal sealed class CrlHttpFetcher
{
    /// <summary>Largest CRL accepted: Kubernetes caps a ConfigMap and a Secret at 1 MiB, and the CRL is served from both.</summary>
    public const int MaxBytes = InputLimits.MaxSourceBytes;

    /// <summary>One client for the process (connection reuse, proxy settings read once); the time bound is per request, through cancellation.</summary>
    private static readonly HttpClient s_http = Create();

    private readonly TimeSpan _timeout;

    public CrlHttpFetcher(TimeSpan timeout) => _timeout = timeout;

    private static HttpClient Create()
    {
        var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 3,
            UseCookies = false,
            Credentials = null,
            PreAuthenticate = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            MaxResponseHeadersLength = 64,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            UseProxy = true,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxBytes,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("mtls-operator-crl-fetch/1");
        return http;
    }

    /// <summary>GETs <paramref name="url"/>; with <paramref name="etag"/> or <paramref name="lastModified"/> from the previous response, asks
    /// for it only when it changed. Never throws for what the server or network does; only cancellation of <paramref name="cancellationToken"/>.</summary>
    public async Task<CrlResponse> FetchAsync(string url, EntityTagHeaderValue? etag, DateTimeOffset? lastModified, CancellationToken cancellationToken)
    {
        if (CrlUrl.Problem(url) is { } problem)
        {
            return Failed($"the URL {problem}");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/pkix-crl");
            request.Headers.Accept.ParseAdd("*/*;q=0.5");
            if (etag is not null)
            {
                request.Headers.IfNoneMatch.Add(etag);
            }
            else if (lastModified is { } since)
            {
                request.Headers.IfModifiedSince = since;
            }

            using var response = await s_http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified && (etag is not null || lastModified is not null))
            {
                return new CrlResponse(null, true, null, etag, lastModified);
            }

            if (!response.IsSuccessStatusCode)
            {
                var location = (int)response.StatusCode is >= 300 and < 400 ? " (a redirect not followed: more than 3, or from https to http)" : "";
                return Failed($"the server answered HTTP {((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}{location}");
            }

            if (response.Content.Headers.ContentLength is > MaxBytes)
            {
                return Failed(TooLarge);
            }

            var body = await ReadBoundedAsync(response.Content, deadline.Token).ConfigureAwait(false);
            return body is null
                ? Failed(TooLarge)
                : new CrlResponse(body, false, null, response.Headers.ETag, response.Content.Headers.LastModified);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed($"no complete answer within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds");
        }
        catch (HttpRequestException e)
        {
            return Failed($"the request failed: {Describe(e)}");
        }
    }

    private const string TooLarge = "the CRL is larger than 1 MiB, the most a ConfigMap and the listener's Secret can hold";

    private static CrlResponse Failed(string error) => new(null, false, error, null, null);

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The failure without the parts that vary from one attempt to the next (ports picked by the client, timings).</summary>
    private static string Describe(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "the host name does not resolve",
        HttpRequestError.ConnectionError => "could not connect (" + (e.InnerException?.Message ?? e.Message) + ")",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed (" + (e.InnerException?.Message ?? e.Message) + ")",
        HttpRequestError.ResponseEnded => "the server closed the connection before answering completely",
        HttpRequestError.ProxyTunnelError => "the HTTP proxy refused the tunnel (" + e.Message + ")",
        HttpRequestError.InvalidResponse => "the answer is not valid HTTP",
        HttpRequestError.ConfigurationLimitExceeded => "the answer's headers are larger than 64 KiB",
        _ => e.Message,
    };
}
