using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Pki;
using MtlsOperator.ProxyTests.Infrastructure;
using TestPki;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>A generated case as the manifests a user applies: the server Secret and ServerCertificate, the TrustBundle (every
/// in-bundle CA, the CRLs), the ClientAuthPolicy (pins and rules written in the plan's spellings) and the MtlsListener.</summary>
public static class CaseManifests
{
    public const string Namespace = "differential";
    private const string Api = "mtls-operator.io/v1alpha1";

    public static string Yaml(CasePlan plan, GeneratedPki pki, ProxyKind kind, string name, int listenPort, int upstreamPort)
    {
        var server = ProxyPki.Instance;
        var yaml = new StringBuilder();
        Document(yaml, "v1", "Secret", name + "-tls").Append("type: kubernetes.io/tls\nstringData:\n");
        Block(yaml, "  tls.crt", server.ServerChainPem(server.DefaultServer));
        Block(yaml, "  tls.key", PemExport.PrivateKey(server.DefaultServer));
        Document(yaml, Api, "ServerCertificate", name).Append("spec:\n  hostnames:\n    - api.test\n  secretRef:\n    name: ").Append(name).Append("-tls\n");

        // A bundle of no CA at all is written as an empty list ("sources:" alone is a null, the hostile-input corpus's business).
        Document(yaml, Api, "TrustBundle", name).Append(plan.Cas.Any(c => c.InBundle) ? "spec:\n  sources:\n" : "spec:\n  sources: []\n");
        for (var i = 0; i < plan.Cas.Length; i++)
        {
            if (plan.Cas[i].InBundle)
            {
                Block(yaml, "    - inline", PemExport.Certificate(pki.Cas[i]));
            }
        }

        if (!pki.CrlPems.IsEmpty)
        {
            yaml.Append("  crls:\n");
            foreach (var crl in pki.CrlPems)
            {
                Block(yaml, "    - inline", crl);
            }
        }

        Document(yaml, Api, "ClientAuthPolicy", name)
            .Append("spec:\n  trustBundleRef:\n    name: ").Append(name).Append('\n')
            .Append("  revocation: ").Append(plan.Revocation).Append('\n');
        if (plan.IdentityHeader is { } header)
        {
            yaml.Append("  forwardIdentityHeader: ").Append(header).Append('\n');
        }

        if (!plan.Pins.IsEmpty)
        {
            yaml.Append("  pins:\n");
            foreach (var pin in plan.Pins)
            {
                WritePin(yaml, pin, pin.Client < 0 ? pki.Stranger : pki.Clients[pin.Client].Certificate);
            }
        }

        WriteRules(yaml, plan.Rules, pki, "  ");
        if (!plan.Paths.IsEmpty)
        {
            yaml.Append("  paths:\n");
            foreach (var path in plan.Paths)
            {
                yaml.Append("    - prefix: ").Append(Quote(path.Prefix)).Append('\n');
                if (!path.Pins.IsEmpty)
                {
                    yaml.Append("      pins:\n");
                    foreach (var pin in path.Pins)
                    {
                        WritePin(yaml, pin, pin.Client < 0 ? pki.Stranger : pki.Clients[pin.Client].Certificate, "      ");
                    }
                }

                WriteRules(yaml, path.Rules, pki, "      ");
            }
        }

        Document(yaml, Api, "MtlsListener", name)
            .Append("spec:\n")
            .Append("  proxy: ").Append(kind.Binary()).Append('\n')
            .Append("  listenPort: ").Append(listenPort.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("  upstreamHost: 127.0.0.1\n")
            .Append("  upstreamPort: ").Append(upstreamPort.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("  serverCertificateRefs:\n    - name: ").Append(name).Append('\n')
            .Append("  clientAuthPolicyRef:\n    name: ").Append(name).Append('\n');
        return yaml.ToString();
    }

    private static void WriteRules(StringBuilder yaml, System.Collections.Immutable.ImmutableArray<RulePlan> rules, GeneratedPki pki, string indent)
    {
        if (rules.IsEmpty)
        {
            return;
        }

        yaml.Append(indent).Append("rules:\n");
        foreach (var rule in rules)
        {
            var target = pki.Clients[rule.Client].Certificate;
            var issuer = rule.WithIssuer ? RuleText.Write(DistinguishedName.FromDer(target.IssuerName.RawData), rule, wildcards: false) : null;
            var subject = RuleText.Subject(DistinguishedName.FromDer(target.SubjectName.RawData), rule);
            if (issuer is null && subject is null)
            {
                subject = "CN=nobody at all,O=Nowhere";
            }

            var prefix = indent + "  - ";
            foreach (var (field, value) in new[] { ("issuer", issuer), ("subject", subject) })
            {
                if (value is not null)
                {
                    yaml.Append(prefix).Append(field).Append(": ").Append(Quote(value)).Append('\n');
                    prefix = indent + "    ";
                }
            }
        }
    }

    private static void WritePin(StringBuilder yaml, PinPlan pin, X509Certificate2 certificate, string indent = "  ")
    {
        var prints = CertificateFingerprints.Of(certificate);
        var item = indent + "  - ";
        switch (pin.Spelling)
        {
            case PinSpelling.Certificate:
                yaml.Append(item).Append("certificate:\n");
                Block(yaml, indent + "      inline", PemExport.Certificate(certificate));
                return;
            case PinSpelling.Sha1UpperColons:
                yaml.Append(item).Append("sha1: ").Append(Quote(CertificateFingerprints.WithColons(prints.Sha1))).Append('\n');
                return;
            case PinSpelling.Sha1Lower:
                yaml.Append(item).Append("sha1: ").Append(prints.Sha1).Append('\n');
                return;
            case PinSpelling.Sha256UpperColons:
                yaml.Append(item).Append("sha256: ").Append(Quote(CertificateFingerprints.WithColons(prints.Sha256))).Append('\n');
                return;
            case PinSpelling.Sha256Lower:
                yaml.Append(item).Append("sha256: ").Append(prints.Sha256).Append('\n');
                return;
            case PinSpelling.SpkiHpkp:
                yaml.Append(item).Append("spkiSha256: ").Append(Quote("sha256/" + prints.SpkiSha256)).Append('\n');
                return;
            default:
                yaml.Append(item).Append("spkiSha256: ").Append(Quote(prints.SpkiSha256)).Append('\n');
                return;
        }
    }

    private static StringBuilder Document(StringBuilder yaml, string apiVersion, string kind, string name) => yaml
        .Append("---\n")
        .Append("apiVersion: ").Append(apiVersion).Append('\n')
        .Append("kind: ").Append(kind).Append('\n')
        .Append("metadata:\n  name: ").Append(name).Append("\n  namespace: ").Append(Namespace).Append('\n');

    private static void Block(StringBuilder yaml, string key, string text)
    {
        var indent = new string(' ', key.TakeWhile(c => c is ' ' or '-').Count() + 2);
        yaml.Append(key).Append(": |\n");
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            yaml.Append(indent).Append(line).Append('\n');
        }
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
