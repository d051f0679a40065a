using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Tests.Cli;

/// <summary>A complete, valid set of manifests for one listener, built from certificates generated for the test.</summary>
internal sealed class ListenerManifests
{
    public ListenerManifests(string proxy = "HAProxy")
    {
        Proxy = proxy;
        Root = TestCertificateAuthority.CreateRoot("CN=Render Test Root,O=Test");
        Server = Root.IssueServer("agent.example.com");
        Client = Root.IssueClient("CN=controller,O=Test");
    }

    public TestCertificateAuthority Root { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string Proxy { get; }

    /// <summary>The pin line under <c>spec.pins</c>; defaults to the client's SHA-256 thumbprint with colons.</summary>
    public string Pin { get; set; } = "";

    public string Yaml()
    {
        var pin = Pin.Length > 0 ? Pin : $"sha256: \"{CertificateFingerprints.WithColons(CertificateFingerprints.Of(Client).Sha256)}\"";
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: agent-tls
              namespace: apps
            type: kubernetes.io/tls
            stringData:
              tls.crt: |
            {Indent(PemExport.Certificate(Server), 4)}
              tls.key: |
            {Indent(PemExport.PrivateKey(Server), 4)}
            ---
            apiVersion: mtls-operator.io/v1alpha1
            kind: TrustBundle
            metadata:
              name: corp
              namespace: apps
            spec:
              sources:
                - inline: |
            {Indent(PemExport.Certificate(Root.Certificate), 8)}
            ---
            apiVersion: mtls-operator.io/v1alpha1
            kind: ServerCertificate
            metadata:
              name: agent
              namespace: apps
            spec:
              hostnames: [agent.example.com]
              secretRef: {"{"} name: agent-tls {"}"}
            ---
            apiVersion: mtls-operator.io/v1alpha1
            kind: ClientAuthPolicy
            metadata:
              name: controller-only
              namespace: apps
            spec:
              trustBundleRef: {"{"} name: corp {"}"}
              pins:
                - {pin}
            ---
            apiVersion: mtls-operator.io/v1alpha1
            kind: MtlsListener
            metadata:
              name: agent
              namespace: apps
            spec:
              proxy: {Proxy}
              listenPort: 8443
              upstreamPort: 8080
              serverCertificateRefs: [{"{"} name: agent {"}"}]
              clientAuthPolicyRef: {"{"} name: controller-only {"}"}

            """);
        return sb.ToString();
    }

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.TrimEnd('\n').Split('\n').Select(l => new string(' ', spaces) + l));
}
