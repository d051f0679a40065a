using System.Runtime.CompilerServices;
using k8s;

namespace MtlsOperator.Runtime.Wire;

/// <summary>A watch read as KubernetesClient's watch calls read it — same request, same events, a Status line reported to
/// <c>onError</c> as a <see cref="KubernetesException"/> and not yielded, an undecodable line reported as its exception —
/// but each event decoded once, from UTF-8.</summary>
public static class WatchStream
{
    /// <summary>The events of the watch at <paramref name="path"/> (see <see cref="ApiPath.Watch"/>), until the server ends it.
    /// A failed request throws <see cref="k8s.Autorest.HttpOperationException"/> from the first move.</summary>
    public static async IAsyncEnumerable<(WatchEventType Type, T Object)> ReadAsync<T>(ApiConnection connection, string path, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        using var response = await connection.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var line in WatchLines.ReadAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                (WatchEventType Type, T? Object, k8s.Models.V1Status? Status) decoded;
                try
                {
                    decoded = WatchEventDecoder.Decode<T>(line.Span);
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or NotSupportedException)
                {
                    onError(e);
                    continue;
                }

                if (decoded.Status is { } status)
                {
                    onError(new KubernetesException(status));
                }
                else if (decoded.Object is { } item)
                {
                    yield return (decoded.Type, item);
                }
            }
        }
    }
}
