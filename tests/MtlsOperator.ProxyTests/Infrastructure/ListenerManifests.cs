using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using TestPki;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>A scenario as the manifests a user would apply: Secrets, ServerCertificates, TrustBundle, ClientAuthPolicy and
/// MtlsListener, with the generated PEMs inline.</summary>
public static class ListenerManifests
{
    public const string Namespace = "proxytests";

    public static string Yaml(ProxyKind kind, ListenerScenario scenario, string listenerName, int listenPort, int upstreamPort)
    {
        var pki = ProxyPki.Instance;
        var yaml = new StringBuilder();
        foreach (var server in scenario.Servers)
        {
            var secret = $"{listenerName}-{server.Name}-tls";
            Document(yaml, "v1", "Secret", secret)
                .Append("type: kubernetes.io/tls\nstringData:\n");
            Block(yaml, "  tls.crt", pki.ServerChainPem(server.Certificate));
            Block(yaml, "  tls.key", PemExport.PrivateKey(server.Certificate));
            Document(yaml, Api, "ServerCertificate", $"{listenerName}-{server.Name}")
                .Append("spec:\n  hostnames:\n");
            foreach (var host in server.Hostnames)
            {
                yaml.Append("    - ").Append(Quote(host)).Append('\n');
            }

            yaml.Append("  secretRef:\n    name: ").Append(secret).Append('\n');
        }

        Document(yaml, Api, "TrustBundle", listenerName).Append("spec:\n  sources:\n");
        Block(yaml, "    - inline", PemExport.Certificate(pki.ClientRoot.Certificate));
        Block(yaml, "    - inline", PemExport.Certificate(pki.ClientIssuing.Certificate));
        if (scenario.ExtraBundlePem is { } extra)
        {
            Block(yaml, "    - inline", extra);
        }

        if (scenario.CheckRevocation)
        {
            yaml.Append("  crls:\n");
            if (scenario.IssuingCaCrlUrl is { } url)
            {
                yaml.Append("    - url: ").Append(url).Append('\n');
            }

            foreach (var crl in scenario.IssuingCaCrlUrl is not null ? [] : scenario.IssuingCaCrls.IsDefaultOrEmpty ? [pki.ClientIssuing.CreateCrlPem()] : scenario.IssuingCaCrls)
            {
                Block(yaml, "    - inline", crl);
            }

            if (!scenario.RootCrlMissing)
            {
                Block(yaml, "    - inline", pki.ClientRoot.CreateCrlPem());
            }
        }

        WritePolicy(yaml, scenario, listenerName);
        if (scenario.UpstreamTls is { } upstream)
        {
            WriteUpstreamTrust(yaml, upstream, listenerName);
        }

        Document(yaml, Api, "MtlsListener", listenerName)
            .Append("spec:\n")
            .Append("  proxy: ").Append(kind.Binary()).Append('\n')
            .Append("  listenPort: ").Append(listenPort.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("  upstreamHost: 127.0.0.1\n")
            .Append("  upstreamPort: ").Append(upstreamPort.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("  serverCertificateRefs:\n");
        foreach (var server in scenario.Servers)
        {
            yaml.Append("    - name: ").Append(listenerName).Append('-').Append(server.Name).Append('\n');
        }

        yaml.Append("  clientAuthPolicyRef:\n    name: ").Append(listenerName).Append('\n');
        if (scenario.UpstreamTls is { } tls)
        {
            yaml.Append("  upstreamTls:\n    serverName: ").Append(Quote(tls.ServerName)).Append('\n');
            if (tls.TrustedCaPem is not null)
            {
                yaml.Append("    trustBundleRef:\n      name: ").Append(listenerName).Append("-upstream\n");
            }

            if (tls.Insecure)
            {
                yaml.Append("    insecureSkipVerify: ").Append(Engine.Api.UpstreamTlsSpec.InsecureSkipVerifyPhrase).Append('\n');
            }

            if (tls.ClientCertificate is not null)
            {
                yaml.Append("    clientCertificateSecretRef:\n      name: ").Append(listenerName).Append("-upstream-client\n");
            }
        }

        return yaml.ToString();
    }

    private const string Api = "mtls-operator.io/v1alpha1";

    /// <summary>The upstream's own TrustBundle and the Secret with the certificate the proxy presents to it.</summary>
    private static void WriteUpstreamTrust(StringBuilder yaml, UpstreamTlsScenario upstream, string listenerName)
    {
        if (upstream.TrustedCaPem is { } ca)
        {
            Document(yaml, Api, "TrustBundle", listenerName + "-upstream").Append("spec:\n  sources:\n");
            Block(yaml, "    - inline", ca);
        }

        if (upstream.ClientCertificate is { } client)
        {
            Document(yaml, "v1", "Secret", listenerName + "-upstream-client").Append("type: kubernetes.io/tls\nstringData:\n");
            Block(yaml, "  tls.crt", PemExport.Certificate(client));
            Block(yaml, "  tls.key", PemExport.PrivateKey(client));
        }
    }

    private static void WritePolicy(StringBuilder yaml, ListenerScenario scenario, string listenerName)
    {
        Document(yaml, Api, "ClientAuthPolicy", listenerName)
            .Append("spec:\n  trustBundleRef:\n    name: ").Append(listenerName).Append('\n')
            .Append("  revocation: ").Append(scenario.CheckRevocation ? "Required" : "Disabled").Append('\n');
        if (scenario.IdentityHeader is { } header)
        {
            yaml.Append("  forwardIdentityHeader: ").Append(header).Append('\n');
        }

        if (scenario.ForwardClientCertificate)
        {
            yaml.Append("  forwardClientCertificate: true\n");
        }

        WritePins(yaml, scenario.Pins, "  ");
        WriteRules(yaml, scenario.Rules, "  ");
        if (!scenario.Paths.IsEmpty)
        {
            yaml.Append("  paths:\n");
            foreach (var path in scenario.Paths)
            {
                yaml.Append("    - prefix: ").Append(Quote(path.Prefix)).Append('\n');
                WritePins(yaml, path.Pins, "      ");
                WriteRules(yaml, path.Rules, "      ");
            }
        }
    }

    private static void WritePins(StringBuilder yaml, ImmutableArray<ScenarioPin> pins, string indent)
    {
        if (pins.IsEmpty)
        {
            return;
        }

        yaml.Append(indent).Append("pins:\n");
        foreach (var pin in pins)
        {
            var prints = Engine.Pki.CertificateFingerprints.Of(pin.Client);
            var item = indent + "  - ";
            switch (pin.Form)
            {
                case PinForm.Sha1:
                    // The spelling of certificate consoles: uppercase with colons; the operator normalizes it.
                    yaml.Append(item).Append("sha1: ").Append(Quote(Engine.Pki.CertificateFingerprints.WithColons(prints.Sha1))).Append('\n');
                    break;
                case PinForm.Sha256:
                    yaml.Append(item).Append("sha256: ").Append(prints.Sha256).Append('\n');
                    break;
                case PinForm.SpkiSha256:
                    yaml.Append(item).Append("spkiSha256: ").Append(Quote("sha256/" + prints.SpkiSha256)).Append('\n');
                    break;
                default:
                    yaml.Append(item).Append("certificate:\n");
                    Block(yaml, indent + "      inline", PemExport.Certificate(pin.Client));
                    break;
            }
        }
    }

    private static void WriteRules(StringBuilder yaml, ImmutableArray<Engine.Policy.ClientMatchRule> rules, string indent)
    {
        if (rules.IsEmpty)
        {
            return;
        }

        yaml.Append(indent).Append("rules:\n");
        foreach (var rule in rules)
        {
            var prefix = indent + "  - ";
            foreach (var (field, value) in new[] { ("issuer", rule.Issuer), ("subject", rule.Subject), ("dnsName", rule.DnsName), ("uri", rule.Uri) })
            {
                if (value is not null)
                {
                    yaml.Append(prefix).Append(field).Append(": ").Append(Quote(value)).Append('\n');
                    prefix = indent + "    ";
                }
            }
        }
    }

    private static StringBuilder Document(StringBuilder yaml, string apiVersion, string kind, string name) => yaml
        .Append("---\n")
        .Append("apiVersion: ").Append(apiVersion).Append('\n')
        .Append("kind: ").Append(kind).Append('\n')
        .Append("metadata:\n  name: ").Append(name).Append("\n  namespace: ").Append(Namespace).Append('\n');

    /// <summary><c>key: |</c> followed by the text indented two spaces deeper than the key.</summary>
    private static void Block(StringBuilder yaml, string key, string text)
    {
        var indent = new string(' ', key.TakeWhile(c => c is ' ' or '-').Count() + 2);
        yaml.Append(key).Append(": |\n");
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            yaml.Append(indent).Append(line).Append('\n');
        }
    }

    /// <summary>A single-quoted YAML scalar: no escapes inside except a doubled quote.</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
