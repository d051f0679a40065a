using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace MtlsOperator.Engine.Rendering;

/// <summary>How the upstream host must be written so that a proxy starts whether or not the name resolves yet.</summary>
public enum UpstreamHostKind
{
    /// <summary>An IPv4 dotted quad or an IPv6 address: used as is.</summary>
    IpAddress,

    /// <summary><c>localhost</c>: found in the pod's <c>/etc/hosts</c> by libc, never asked of a DNS server.</summary>
    Localhost,

    /// <summary>Any other DNS name: resolved at run time by the proxy's own resolver, so an unresolvable name does not stop the proxy.</summary>
    DnsName,
}

/// <summary>Strict syntax of <see cref="ListenerRenderModel.UpstreamHost"/>: a DNS name (LDH labels, optional trailing dot) or an IP
/// literal in its canonical form. Anything else is refused before it reaches a config file, so no other text can be injected.</summary>
public static partial class UpstreamHost
{
    /// <summary>The kind of <paramref name="host"/>, or null when it is neither a DNS name nor an IP literal.</summary>
    public static UpstreamHostKind? Classify(string host)
    {
        if (host.Contains(':', StringComparison.Ordinal))
        {
            // IPv6 only: no zone ("%eth0"), no brackets, no embedded port.
            return IPAddress.TryParse(host, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && !host.AsSpan().ContainsAny("%[]")
                ? UpstreamHostKind.IpAddress
                : null;
        }

        if (DottedQuad().IsMatch(host))
        {
            // IPAddress.TryParse also takes "1", "1.2.3" and "0x7f.1", which each proxy would read differently: only canonical quads.
            return IPAddress.TryParse(host, out var v4) && v4.ToString() == host ? UpstreamHostKind.IpAddress : null;
        }

        var name = host.EndsWith('.') ? host[..^1] : host;
        if (!DnsName().IsMatch(name) || name.Split('.')[^1].All(char.IsAsciiDigit))
        {
            // A numeric last label is a partial IP address to getaddrinfo ("10.1" is 10.0.0.1), not a name.
            return null;
        }

        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) ? UpstreamHostKind.Localhost : UpstreamHostKind.DnsName;
    }

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}\z")]
    private static partial Regex DottedQuad();

    [GeneratedRegex(@"^(?=.{1,253}\z)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z")]
    private static partial Regex DnsName();
}
