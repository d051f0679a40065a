using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace MtlsOperator.Runtime.Wire;

/// <summary>
/// Requests sent through KubernetesClient's own connection — its <see cref="HttpClient"/> (server trust, client certificate),
/// credentials (bearer token, a projected token re-read as it rotates) and base address — for the calls whose typed form costs
/// more than the work: a watch (the typed one reads each event as a UTF-16 line and decodes it two or three times) and a write
/// whose answer is read only for its metadata (the typed one decodes the whole object).
/// </summary>
/// <remarks>A failed request throws what the typed calls throw, an <see cref="HttpOperationException"/> with the status code
/// and body, so callers handle both the same way.</remarks>
public sealed class ApiConnection
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly Kubernetes _client;

    /// <summary>The connection of <paramref name="client"/>, which must be KubernetesClient's <see cref="Kubernetes"/>.</summary>
    public ApiConnection(IKubernetes client) =>
        _client = client as Kubernetes ?? throw new ArgumentException($"Needs KubernetesClient's {nameof(Kubernetes)}, not {client.GetType().Name}.", nameof(client));

    /// <summary>Sends a request and returns the response once its headers arrived (the body is streamed); a status other than
    /// 2xx throws <see cref="HttpOperationException"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(_client.BaseUri, path)) { Version = HttpVersion.Version20, Content = content };
        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var response = await _client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (request)
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpOperationException(string.Create(CultureInfo.InvariantCulture, $"Operation returned an invalid status code '{response.StatusCode}'"))
            {
                Request = new HttpRequestMessageWrapper(request, null),
                Response = new HttpResponseMessageWrapper(response, body),
            };
        }
    }

    /// <summary>Writes <paramref name="body"/> (POST a create, PUT a replace) and returns the metadata of the object as stored,
    /// the rest of the answer left undecoded.</summary>
    public Task<V1ObjectMeta> WriteAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken) =>
        WriteAsync(method, path, JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), WireJson.Options), cancellationToken);

    /// <summary>Writes a body already encoded as UTF-8 JSON; returns the stored object's metadata.</summary>
    public async Task<V1ObjectMeta> WriteAsync(HttpMethod method, string path, ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
    {
        var content = new ReadOnlyMemoryContent(utf8Json);
        content.Headers.ContentType = Json;
        using var response = await SendAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var stored = await JsonSerializer.DeserializeAsync<StoredObject>(stream, WireJson.Options, cancellationToken).ConfigureAwait(false);
            return stored?.Metadata ?? throw new JsonException($"The answer to {method} {path} has no metadata.");
        }
    }

    /// <summary>What is read of a write's answer.</summary>
    private sealed class StoredObject
    {
        [System.Text.Json.Serialization.JsonPropertyName("metadata")]
        public V1ObjectMeta? Metadata { get; set; }
    }
}
