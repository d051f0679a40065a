using System.Globalization;
using System.Net;

namespace MtlsOperator.Engine.Serving;

/// <summary>Where a rendered HAProxy or nginx config listens, as an address a local client can connect to: the sidecar reports
/// Serving only once a connection there succeeds (the proxy having said "loaded" is not yet the proxy accepting).</summary>
/// <param name="Host">An IP address (a wildcard bind is reached on loopback of the same family) or the host name the config binds.</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Wildcard">Whether the config binds every address (<see cref="Host"/> is then its family's loopback).</param>
public sealed record ListenEndpoint(string Host, int Port, bool Wildcard)
{
    /// <summary>The first <c>bind</c> (haproxy.cfg) or <c>listen</c> (nginx.conf) of <paramref name="config"/>, as the renderers
    /// write them (<c>:8443</c>, <c>10.0.0.1:8443</c>, <c>ipv6@::1:8443</c>; <c>8443</c>, <c>[::1]:8443</c>); null for another
    /// config key (Envoy) or when none is found.</summary>
    public static ListenEndpoint? In(string configKey, string config)
    {
        var directive = configKey switch
        {
            "haproxy.cfg" => "bind",
            "nginx.conf" => "listen",
            _ => null,
        };
        if (directive is null)
        {
            return null;
        }

        foreach (var line in config.Split('\n'))
        {
            var words = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2 && words[0] == directive && Parse(words[1].TrimEnd(';')) is { } endpoint)
            {
                return endpoint;
            }
        }

        return null;
    }

    private static ListenEndpoint? Parse(string address)
    {
        if (address.StartsWith("ipv6@", StringComparison.Ordinal) || address.StartsWith("ipv4@", StringComparison.Ordinal))
        {
            address = address[5..];
        }

        var colon = address.LastIndexOf(':');
        var host = colon < 0 ? "" : address[..colon].Trim('[', ']');
        var portText = colon < 0 ? address : address[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        // A wildcard address is not something to connect to: its family's loopback is.
        return host switch
        {
            "" or "*" or "0.0.0.0" => new ListenEndpoint("127.0.0.1", port, Wildcard: true),
            _ when IPAddress.TryParse(host, out var ip) && ip.Equals(IPAddress.IPv6Any) => new ListenEndpoint("::1", port, Wildcard: true),
            _ when IPAddress.TryParse(host, out var ip) => new ListenEndpoint(ip.ToString(), port, Wildcard: false),
            _ => new ListenEndpoint(host, port, Wildcard: false),
        };
    }
}
