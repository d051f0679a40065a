using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MtlsOperator.Engine.Rendering.Nginx;

/// <summary>The content of <see cref="NginxRuntimePaths.ResolverFile(ListenerRenderModel)"/>, made from the pod's <c>/etc/resolv.conf</c> by whoever starts
/// nginx (the sidecar supervisor): nginx cannot read resolv.conf itself, and the engine cannot know the pod's nameserver.</summary>
public static class NginxResolver
{
    /// <summary>How long nginx keeps an answer: a moved upstream is found again within this time.</summary>
    public const string Valid = "10s";

    /// <summary><c>resolver &lt;nameservers&gt; valid=10s;</c> for the <c>nameserver</c> lines of <paramref name="resolvConf"/>; anything
    /// that is not an IP address is skipped, so nothing else reaches the config. With none, what glibc uses then: 127.0.0.1.</summary>
    public static string FileContent(string resolvConf)
    {
        var servers = new List<string>();
        foreach (var line in resolvConf.Split('\n'))
        {
            var words = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2 && words[0] == "nameserver" && UpstreamHost.Classify(words[1]) == UpstreamHostKind.IpAddress
                && IPAddress.TryParse(words[1], out var address))
            {
                servers.Add(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString());
            }
        }

        var text = new StringBuilder("# Written at start from /etc/resolv.conf: the nameservers that resolve the upstream name.\n");
        text.Append("resolver ").Append(servers.Count == 0 ? "127.0.0.1" : string.Join(' ', servers.Distinct())).Append(" valid=").Append(Valid).Append(";\n");
        return text.ToString();
    }
}
