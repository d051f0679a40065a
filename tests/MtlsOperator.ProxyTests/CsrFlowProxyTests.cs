using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;
using MtlsOperator.ProxyTests.Infrastructure;
using TestPki;

namespace MtlsOperator.ProxyTests;

/// <summary>The CSR flow reaches the real proxies: the operator's key, the certificate an openssl CA signed from the operator's
/// request, and that CA's intermediate are what HAProxy and nginx serve, and a client trusting only that CA's root verifies them.</summary>
public sealed class CsrFlowProxyTests
{
    private const string Namespace = "proxytests";
    private const string Name = "portal";

    [SkippableTheory]
    [InlineData(ProxyKind.Haproxy)]
    [InlineData(ProxyKind.Nginx)]
    public async Task The_certificate_signed_from_the_operators_request_is_served_with_its_chain_and_the_generated_key(ProxyKind kind)
    {
        var missing = ProxyBinary.MissingReason(kind.Binary());
        Skip.If(missing is not null, missing);
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var ca = new OpensslCsrSigner("/C=US/O=Portal CA/CN=Portal Root CA", "/C=US/O=Portal CA/CN=Portal Issuing CA");
        using var work = new TempDirectory();
        await using var upstream = EchoUpstream.Start();
        using var mount = new MountedSecret();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var manifests = Directory.CreateDirectory(Path.Combine(work.Directory, $"m{attempt}")).FullName;
            File.WriteAllText(Path.Combine(manifests, "listener.yaml"), Manifests(kind, port, upstream.Port));

            // The operator's first reconcile: the key Secret (render writes it as it would be written), with the request.
            var keys = CliRender.RunYaml(manifests, Namespace, Name + "-csr-key", mount.Path);
            Assert.Equal(1, keys.ExitCode);
            File.WriteAllText(Path.Combine(manifests, "keys.yaml"), OwnedKeySecret(keys.Files));

            // The CA signs the request; the signed certificate and its chain come back in a Secret.
            File.WriteAllText(Path.Combine(manifests, "signed.yaml"), SignedSecret(ca.WithChain(ca.Sign(keys.Files["tls.csr"]))));
            var listener = CliRender.RunYaml(manifests, Namespace, Name + "-mtls", mount.Path);
            Assert.True(listener.ExitCode == 0, listener.Output);
            mount.Write(listener.Files);

            await using var proxy = kind.Process(mount.Path, port, Name);
            if (!await proxy.StartAsync(timeout.Token))
            {
                Assert.True(attempt < 3, $"{kind} did not start:\n{proxy.Log}");
                continue;
            }

            var probe = new TlsProbe(port, X509Certificate2.CreateFromPem(ca.RootPem));
            var result = await probe.GetAsync(ProxyPki.Instance.Pinned, "portal.test", cancellationToken: timeout.Token);

            Assert.True(result.IsAdmitted, $"{result}\n{proxy.Log}");
            Assert.True(result.ServerChainTrusted, $"the served chain does not verify to the CA's root: {result}");
            var key = PrivateKey.Read(keys.Files["tls.key"])!;
            Assert.True(key.Owns(result.ServerCertificate!.PublicKey.ExportSubjectPublicKeyInfo()), "the proxy serves a certificate for another key");
            Assert.Equal("portal.test", result.ServerCertificate.GetNameInfo(X509NameType.DnsName, forIssuer: false));
            return;
        }
    }

    private static string Manifests(ProxyKind kind, int port, int upstreamPort)
    {
        var pki = ProxyPki.Instance;
        return $$"""
            apiVersion: mtls-operator.io/v1alpha1
            kind: ServerCertificate
            metadata: { name: {{Name}}, namespace: {{Namespace}} }
            spec:
              hostnames: [portal.test]
              csr:
                keyAlgorithm: ECDSA-P384
                singleDnsName: true
                subject: { organization: Portal Operators, emailAddress: ops@portal.test }
                certificate: { secret: { name: {{Name}}-signed, key: tls.crt } }
            ---
            apiVersion: mtls-operator.io/v1alpha1
            kind: TrustBundle
            metadata: { name: {{Name}}, namespace: {{Namespace}} }
            spec:
              sources:
                - inline: |
            {{Indent(PemExport.Certificate(pki.ClientRoot.Certificate), 8)}}
                - inline: |
            {{Indent(PemExport.Certificate(pki.ClientIssuing.Certificate), 8)}}
            ---
            apiVersion: mtls-operator.io/v1alpha1
            kind: ClientAuthPolicy
            metadata: { name: {{Name}}, namespace: {{Namespace}} }
            spec:
              trustBundleRef: { name: {{Name}} }
              pins:
                - sha1: "{{CertificateFingerprints.Of(pki.Pinned).Sha1}}"
            ---
            apiVersion: mtls-operator.io/v1alpha1
            kind: MtlsListener
            metadata: { name: {{Name}}, namespace: {{Namespace}} }
            spec:
              proxy: {{kind.Binary()}}
              listenPort: {{port.ToString(CultureInfo.InvariantCulture)}}
              upstreamHost: 127.0.0.1
              upstreamPort: {{upstreamPort.ToString(CultureInfo.InvariantCulture)}}
              serverCertificateRefs: [{ name: {{Name}} }]
              clientAuthPolicyRef: { name: {{Name}} }

            """;
    }

    /// <summary>The key Secret as the operator keeps it (its labels make it the ServerCertificate's own).</summary>
    private static string OwnedKeySecret(IReadOnlyDictionary<string, string> files)
    {
        var yaml = new StringBuilder($"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: {Name}-csr-key
              namespace: {Namespace}
              labels:
                app.kubernetes.io/managed-by: mtls-operator
                mtls-operator.io/owner-kind: ServerCertificate
                mtls-operator.io/owner-name: {Name}
            type: Opaque
            stringData:

            """);
        foreach (var (key, value) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            yaml.Append("  ").Append(key).Append(": |\n").Append(Indent(value, 4)).Append('\n');
        }

        return yaml.ToString();
    }

    private static string SignedSecret(string pem) => $$"""
        apiVersion: v1
        kind: Secret
        metadata: { name: {{Name}}-signed, namespace: {{Namespace}} }
        type: Opaque
        stringData:
          tls.crt: |
        {{Indent(pem, 4)}}

        """;

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.TrimEnd('\n').Split('\n').Select(line => new string(' ', spaces) + line));
}
