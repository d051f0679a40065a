using System.Net;
using k8s;
using k8s.Autorest;

namespace MtlsOperator.Runtime;

/// <summary>Classifies what ends a list or watch.</summary>
internal static class WatchErrors
{
    /// <summary>410 Gone: the resourceVersion is too old (compacted); only a relist recovers.</summary>
    public static bool IsGone(Exception error) => error switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone,
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    /// <summary>The server closed an idle watch: the client reports it as an end of stream, which is not a failure.</summary>
    public static bool IsNormalClose(Exception error) =>
        error is EndOfStreamException or HttpRequestException { InnerException: EndOfStreamException };
}
