using System.Globalization;
using System.Net;

namespace MtlsOperator.Cli.Check;

/// <summary>Where a probe connects and what it asks for: host and port, the SNI name (none for an IP address without
/// <c>--sni</c>), the name the certificate must present, and the request line.</summary>
internal sealed record EndpointTarget(string Host, int Port, string? ServerName, string ExpectedName, string PathAndQuery)
{
    /// <summary>The Host header: the SNI name when one was given (proxies route by it), else the URL's host.</summary>
    public string Authority => $"{HostForUri(ServerName ?? Host)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public string Display => $"{HostForUri(Host)}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses <c>https://host[:port][/path]</c> (the scheme may be left out; port 443 by default).</summary>
    public static EndpointTarget FromUrl(string url, string? sni)
    {
        var text = url.Contains("://", StringComparison.Ordinal) ? url : "https://" + url;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new FormatException($"{url} is not a URL (expected https://host:port/path)");
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new FormatException($"{url}: only https:// endpoints can be checked");
        }

        return Of(uri.IdnHost, uri.Port, sni, uri.PathAndQuery);
    }

    /// <summary>Parses <c>host:port</c> (IPv6 in brackets), as <c>thumbprint --connect</c> takes it.</summary>
    public static EndpointTarget FromHostPort(string hostPort, string? sni)
    {
        if (!Uri.TryCreate("https://" + hostPort, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || uri.PathAndQuery != "/"
            || !hostPort.EndsWith(":" + uri.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw new FormatException($"{hostPort} is not host:port");
        }

        return Of(uri.IdnHost, uri.Port, sni, "/");
    }

    private static EndpointTarget Of(string host, int port, string? sni, string path)
    {
        var bare = host.Trim('[', ']');
        if (sni is not null && (sni.Length == 0 || IPAddress.TryParse(sni, out _)))
        {
            throw new FormatException($"--sni {sni}: a server name is a DNS name (TLS sends no IP addresses as SNI)");
        }

        var serverName = sni ?? (IPAddress.TryParse(bare, out _) ? null : bare);
        return new EndpointTarget(bare, port, serverName, serverName ?? bare, path);
    }

    private static string HostForUri(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
