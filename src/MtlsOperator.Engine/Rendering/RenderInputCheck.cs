using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering.DistinguishedNames;

namespace MtlsOperator.Engine.Rendering;

/// <summary>Refusals every text-config renderer shares: anything that could not be enforced exactly, or that could break out of
/// the config syntax, is refused rather than rendered (fail closed).</summary>
public static partial class RenderInputCheck
{
    /// <summary>Headers that decide how a request is framed, routed or upgraded: never a place for an identity.</summary>
    private static readonly HashSet<string> s_framingHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Expect", "Proxy-Connection",
    };

    /// <summary>The spec.pins advice given whenever a pin form is not enforceable by a proxy.</summary>
    public const string PinAdvice = "give the client certificate itself as the pin (spec.pins[].certificate) and every form is derived";

    /// <summary>Reasons <paramref name="model"/> cannot be rendered for <paramref name="proxy"/>; empty when it can.</summary>
    public static List<string> Find(ListenerRenderModel model, string proxy, IReadOnlySet<PinAlgorithm> supportedPins)
    {
        var reasons = new List<string>();
        CheckShape(model, reasons);
        CheckPins(model.Pins, proxy, supportedPins, reasons);
        CheckRules(model.Rules, "Rule", proxy, reasons);
        CheckPaths(model, reasons);
        foreach (var path in model.Paths.IsDefault ? [] : model.Paths)
        {
            CheckPins(path.Pins, proxy, supportedPins, reasons);
            CheckRules(path.Rules, $"Path {path.Prefix}: rule", proxy, reasons);
        }

        if (model.Pins.IsDefaultOrEmpty && model.Rules.IsDefaultOrEmpty && model.Paths.IsDefaultOrEmpty)
        {
            reasons.Add("The policy has neither pins nor rules; an empty policy is never rendered (fail closed).");
        }

        return reasons;
    }

    /// <summary>The issuer / subject regex bodies of a rule, for rules <see cref="Find"/> accepted.</summary>
    public static (string? Issuer, string? Subject) PatternsOf(ClientMatchRule rule) =>
        (rule.Issuer is null ? null : OpensslDnPattern.TryBuild(rule.Issuer, wildcards: false, out _),
         rule.Subject is null ? null : OpensslDnPattern.TryBuild(rule.Subject, wildcards: true, out _));

    /// <summary>The proxy-neutral part of <see cref="Find"/>: names, ports, addresses, mount path, SNI names, Secret keys
    /// and the identity header's name; for renderers whose pin and rule limits differ.</summary>
    public static void CheckShape(ListenerRenderModel model, List<string> reasons)
    {
        if (!KubernetesName().IsMatch(model.Namespace) || !KubernetesName().IsMatch(model.Name))
        {
            reasons.Add($"Listener name \"{model.Namespace}/{model.Name}\" is not a Kubernetes object name.");
        }

        foreach (var (label, port) in new[] { ("listen", model.ListenPort), ("upstream", model.UpstreamPort) })
        {
            if (port is < 1 or > 65535)
            {
                reasons.Add($"The {label} port {port} is not a TCP port (1-65535).");
            }
        }

        if (model.ListenAddress is { } address && !IPAddress.TryParse(address, out _))
        {
            reasons.Add($"The listen address \"{address}\" is not an IP address.");
        }

        if (UpstreamHost.Classify(model.UpstreamHost) is null)
        {
            reasons.Add($"The upstream host \"{model.UpstreamHost}\" is not a DNS name or an IP address (an IPv4 dotted quad or an IPv6 address without zone or brackets).");
        }

        if (!MountPath().IsMatch(model.MountPath) || model.MountPath.Split('/').Contains(".."))
        {
            reasons.Add($"The mount path \"{model.MountPath}\" must be an absolute path of letters, digits, '.', '_', '-' and '/'.");
        }

        if (model.ServerCertificates.IsDefaultOrEmpty)
        {
            reasons.Add("No server certificate: the listener needs at least one.");
        }
        else
        {
            foreach (var files in model.ServerCertificates)
            {
                foreach (var host in files.Hostnames.Where(h => !SniName().IsMatch(h.Trim())))
                {
                    reasons.Add($"Server certificate {files.Name} declares \"{host}\", which is not a DNS name or a '*.' wildcard of one.");
                }
            }
        }

        var keys = model.ServerCertificates.IsDefault ? [] : model.ServerCertificates.SelectMany(f => new[] { f.CertificateFile, f.KeyFile });
        if (model.UpstreamTls is { } tls)
        {
            CheckUpstreamTls(tls, reasons);
            keys = keys.Concat(new[] { tls.CaFile, tls.ClientCertificateFile, tls.ClientKeyFile }.OfType<string>());
        }

        foreach (var key in keys.Append(model.CaFile).Concat(model.CrlFile is null ? [] : [model.CrlFile]))
        {
            if (!SecretKey().IsMatch(key) || key is "." or "..")
            {
                reasons.Add($"\"{key}\" is not a valid Secret key (letters, digits, '-', '_', '.').");
            }
        }

        if (model.ForwardIdentityHeader is { } header && !HeaderName().IsMatch(header))
        {
            reasons.Add($"The identity header \"{header}\" must consist of letters, digits and '-' (underscores are dropped or confused by proxies and apps).");
        }
        else if (model.ForwardIdentityHeader is { } framing && s_framingHeaders.Contains(framing))
        {
            reasons.Add($"The identity header \"{framing}\" is an HTTP framing or routing header; overwriting it would corrupt requests. Choose a name such as X-Client-Subject.");
        }
    }

    private static void CheckUpstreamTls(UpstreamTlsModel tls, List<string> reasons)
    {
        if (UpstreamHost.Classify(tls.ServerName) is not (UpstreamHostKind.DnsName or UpstreamHostKind.Localhost))
        {
            reasons.Add($"The upstream server name \"{tls.ServerName}\" is not a DNS name.");
        }

        if (tls.ClientCertificateFile is null != tls.ClientKeyFile is null)
        {
            reasons.Add("The certificate presented to the upstream needs both its certificate and its key file.");
        }
    }

    /// <summary>Every path prefix valid, distinct regardless of case, and admitting someone.</summary>
    public static void CheckPaths(ListenerRenderModel model, List<string> reasons)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in model.Paths.IsDefault ? [] : model.Paths)
        {
            if (PathRules.PathPrefix.Problem(path.Prefix) is { } problem)
            {
                reasons.Add($"The path prefix \"{path.Prefix}\" {problem}.");
            }
            else if (!seen.Add(path.Prefix))
            {
                reasons.Add($"The path prefix \"{path.Prefix}\" is given twice (prefixes match regardless of case).");
            }

            if (path.Pins.IsDefaultOrEmpty && path.Rules.IsDefaultOrEmpty)
            {
                reasons.Add($"The path {path.Prefix} has neither pins nor rules.");
            }
        }
    }

    private static void CheckPins(ImmutableArray<CertificatePin> pins, string proxy, IReadOnlySet<PinAlgorithm> supported, List<string> reasons)
    {
        foreach (var pin in pins.IsDefault ? [] : pins)
        {
            if (!supported.Contains(pin.Algorithm))
            {
                var can = string.Join(", ", supported.Order().Select(PinNames.Of));
                reasons.Add($"{proxy} cannot enforce a {PinNames.Of(pin.Algorithm)} pin (it enforces: {can}); {PinAdvice}.");
                continue;
            }

            var length = pin.Algorithm == PinAlgorithm.Sha1 ? 40 : 64;
            if (pin.Value.Length != length || !LowerHex().IsMatch(pin.Value))
            {
                reasons.Add($"The {PinNames.Of(pin.Algorithm)} pin \"{pin.Value}\" is not {length} lowercase hex digits.");
            }
        }
    }

    private static void CheckRules(ImmutableArray<ClientMatchRule> given, string label, string proxy, List<string> reasons)
    {
        var rules = given.IsDefault ? [] : given;
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            if (rule.DnsName is not null || rule.Uri is not null)
            {
                reasons.Add($"{label} {i} matches a {(rule.DnsName is not null ? "DNS" : "URI")} SAN, which {proxy} cannot check natively; " +
                    "match on issuer and subject instead, or pin the client certificates.");
            }

            if (rule.Issuer is null && rule.Subject is null)
            {
                reasons.Add($"{label} {i} names neither issuer nor subject; it would admit every client of the trust bundle.");
                continue;
            }

            foreach (var (field, dn, wildcards) in new[] { ("issuer", rule.Issuer, false), ("subject", rule.Subject, true) })
            {
                if (dn is not null && OpensslDnPattern.TryBuild(dn, wildcards, out var error) is null)
                {
                    reasons.Add($"{label} {i} {field} \"{dn}\" cannot be matched: {error}.");
                }
            }
        }
    }

    // \z, not $: in .NET '$' also matches before a final newline, which would let "name\n" into a config line.
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\z")]
    private static partial Regex KubernetesName();

    [GeneratedRegex(@"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z")]
    private static partial Regex SniName();

    [GeneratedRegex(@"^/[A-Za-z0-9._/-]*\z")]
    private static partial Regex MountPath();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]{1,253}\z")]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]{0,127}\z")]
    private static partial Regex HeaderName();

    [GeneratedRegex(@"^[0-9a-f]+\z")]
    private static partial Regex LowerHex();
}
