using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.ProxyVerdicts;
using MtlsOperator.ProxyTests.Differential;
using MtlsOperator.ProxyTests.Infrastructure;
using TestPki;

namespace MtlsOperator.ProxyTests;

/// <summary>A partner client certificate issued by the operator, pinned by reference, renewed and revoked, in front of the real proxy. The
/// engine converges the namespace as the controller does (each output written back before the next evaluation) and the listener's
/// output is what the proxy loads: the issued certificate is admitted, after a renewal (re-key) both the new and the old one are
/// (overlap), and after revocation both are refused by the operator-signed CRL while another issued certificate still gets in.</summary>
public abstract class IssuedCertificateProxyTests(ProxyKind kind)
{
    private const string Ns = ListenerManifests.Namespace;

    [SkippableFact]
    public async Task An_issued_certificate_is_admitted_its_renewal_overlaps_and_revocation_refuses_every_certificate_it_had()
    {
        var missing = ProxyBinary.MissingReason(kind.Binary());
        Skip.If(missing is not null, missing);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var upstream = EchoUpstream.Start();
        using var mount = new MountedSecret();
        var port = FreePort.Next();
        var name = $"issued-{kind.ToString().ToLowerInvariant()}-{port}";
        var world = new World(kind, name, mount.Path, port, upstream.Port);
        mount.Write(world.Converge(DateTimeOffset.UtcNow));
        await using var proxy = kind.Process(mount.Path, port, name);
        Assert.True(await proxy.StartAsync(timeout.Token), proxy.Log);
        var probe = new TlsProbe(port, ProxyPki.Instance.ServerRoot.Certificate);
        var first = world.Client("partner-a");
        var other = world.Client("partner-b");
        await AssertAdmitted(probe, proxy, first, "the issued certificate");

        world.Update("partner-a", s => s.KeyAlgorithm = "ECDSA-P384");
        mount.Write(world.Converge(DateTimeOffset.UtcNow));
        await proxy.ReloadAsync(timeout.Token);
        var renewed = world.Client("partner-a");
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        await AssertAdmitted(probe, proxy, renewed, "the renewed certificate");
        await AssertAdmitted(probe, proxy, first, "the previous certificate, in its overlap");

        world.Update("partner-a", s => { s.Revoked = true; s.RevocationReason = "KeyCompromise"; });
        mount.Write(world.Converge(DateTimeOffset.UtcNow));
        await proxy.ReloadAsync(timeout.Token);

        await AssertRefusedByChain(probe, proxy, renewed, "the revoked current certificate");
        await AssertRefusedByChain(probe, proxy, first, "the revoked previous certificate");
        await AssertAdmitted(probe, proxy, other, "another issued certificate of the same CA");
    }

    [SkippableFact]
    public async Task An_issued_certificate_pinned_alone_in_a_path_is_admitted_there_follows_its_renewal_and_once_revoked_is_refused_by_the_crl()
    {
        var missing = ProxyBinary.MissingReason(kind.Binary());
        Skip.If(missing is not null, missing);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var upstream = EchoUpstream.Start();
        using var mount = new MountedSecret();
        var port = FreePort.Next();
        var name = $"issued-path-{kind.ToString().ToLowerInvariant()}-{port}";
        var world = new World(kind, name, mount.Path, port, upstream.Port, pinsInPath: "/partner");
        mount.Write(world.Converge(DateTimeOffset.UtcNow));
        await using var proxy = kind.Process(mount.Path, port, name);
        Assert.True(await proxy.StartAsync(timeout.Token), proxy.Log);
        var first = world.Client("partner-a");
        var other = world.Client("partner-b");
        await AssertPath(port, proxy, first, "/partner/orders", null, "the issued certificate on its path", timeout.Token);
        await AssertPath(port, proxy, first, "/elsewhere", RefusalStage.Forbidden, "the issued certificate off its path", timeout.Token);
        await AssertPath(port, proxy, other, "/partner/orders", RefusalStage.Forbidden, "a certificate pinned only off that path", timeout.Token);

        world.Update("partner-a", s => s.KeyAlgorithm = "ECDSA-P384");
        mount.Write(world.Converge(DateTimeOffset.UtcNow));
        await proxy.ReloadAsync(timeout.Token);
        var renewed = world.Client("partner-a");
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        await AssertPath(port, proxy, renewed, "/partner/orders", null, "the renewed certificate", timeout.Token);
        await AssertPath(port, proxy, first, "/partner/orders", null, "the previous certificate, in its overlap", timeout.Token);

        world.Update("partner-a", s => s.Revoked = true);
        mount.Write(world.Converge(DateTimeOffset.UtcNow));
        await proxy.ReloadAsync(timeout.Token);

        var byChain = kind == ProxyKind.Haproxy ? RefusalStage.Handshake : RefusalStage.BadRequest;
        await AssertPath(port, proxy, renewed, "/partner/orders", byChain, "the revoked current certificate", timeout.Token);
        await AssertPath(port, proxy, first, "/partner/orders", byChain, "the revoked previous certificate", timeout.Token);
        await AssertPath(port, proxy, other, "/elsewhere", null, "another issued certificate of the same CA", timeout.Token);
    }

    [SkippableFact]
    public async Task A_certificate_the_ca_signed_with_the_openssl_cli_revoked_by_the_serial_openssl_prints_is_refused_by_the_crl()
    {
        var missing = ProxyBinary.MissingReason(kind.Binary()) ?? (OpensslCli.IsAvailable ? null : "openssl is not installed");
        Skip.If(missing is not null, missing);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var upstream = EchoUpstream.Start();
        using var mount = new MountedSecret();
        var port = FreePort.Next();
        var name = $"issued-openssl-{kind.ToString().ToLowerInvariant()}-{port}";
        using var world = new World(kind, name, mount.Path, port, upstream.Port, admitEveryClientOfTheCa: true);
        using var legacy = world.SignWithOpenssl("/O=Partner/CN=legacy-client");
        var serial = OpensslCli.RunText(world.Openssl.Directory, "x509", "-in", "legacy.crt", "-noout", "-serial").Trim();
        mount.Write(world.Converge(DateTimeOffset.UtcNow));
        await using var proxy = kind.Process(mount.Path, port, name);
        Assert.True(await proxy.StartAsync(timeout.Token), proxy.Log);
        var probe = new TlsProbe(port, ProxyPki.Instance.ServerRoot.Certificate);
        await AssertAdmitted(probe, proxy, legacy, "the openssl-signed client of the CA");

        // Exactly as `openssl x509 -noout -serial` printed it: "serial=4F2A...".
        world.Add(new ClientCertificateRevocation
        {
            Metadata = new V1ObjectMeta { Name = "legacy-leaves", NamespaceProperty = Ns, Generation = 1, Uid = "uid-legacy-leaves" },
            Spec = new() { AuthorityRef = new() { Name = "partner-ca" }, SerialNumbers = [serial], Reason = "KeyCompromise" },
        });
        mount.Write(world.Converge(DateTimeOffset.UtcNow));
        await proxy.ReloadAsync(timeout.Token);

        await AssertRefusedByChain(probe, proxy, legacy, $"the openssl-signed client revoked by {serial}");
        await AssertAdmitted(probe, proxy, world.Client("partner-a"), "an issued certificate of the same CA");
    }

    /// <summary>One request for <paramref name="target"/>: admitted when <paramref name="refusedAt"/> is null, else refused at that stage.</summary>
    private async Task AssertPath(int port, ProxyProcess proxy, X509Certificate2 client, string target, RefusalStage? refusedAt, string what, CancellationToken cancellationToken)
    {
        var observed = await ClientProbe.GetAsync(port, [client], cancellationToken, target);
        Assert.True(observed.RefusedAt == refusedAt, $"{what} ({target}): {kind} {observed}, expected {(refusedAt?.ToString() ?? "admitted")}\n{proxy.Log}");
    }

    private async Task AssertAdmitted(TlsProbe probe, ProxyProcess proxy, X509Certificate2 client, string what)
    {
        var result = await probe.GetAsync(client, "api.test", new Dictionary<string, string>(), System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13, CancellationToken.None);
        Assert.True(result.IsAdmitted, $"{what}: {kind} answered {result}\n{proxy.Log}");
    }

    /// <summary>Refused at chain verification (the CRL): HAProxy in the handshake, nginx with 400.</summary>
    private async Task AssertRefusedByChain(TlsProbe probe, ProxyProcess proxy, X509Certificate2 client, string what)
    {
        var result = await probe.GetAsync(client, "api.test", new Dictionary<string, string>(), System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13, CancellationToken.None);
        var refused = kind == ProxyKind.Haproxy ? result.Outcome == ProbeOutcome.TlsRejected : result is { Outcome: ProbeOutcome.Response, Status: 400 };
        Assert.True(refused, $"{what}: {kind} answered {result}\n{proxy.Log}");
    }

    /// <summary>The namespace: the CA's key, the CA, two issued certificates, a bundle reading the CA and its CRL from the CA's ConfigMap, a
    /// policy pinning both by reference, a server certificate and the listener.</summary>
    private sealed class World : IDisposable
    {
        private readonly TrustEngine _engine = new();
        private readonly string _listener;
        private readonly TestCertificateAuthority _ca;
        private ResourceSnapshot _snapshot;
        private TempDirectory? _openssl;

        /// <param name="pinsInPath">When given, the policy pins partner-a only in spec.paths under this prefix, and partner-b in spec.pins:
        /// revoking partner-a leaves that path with nothing but a revoked pin, which must stay (the CRL refuses it) for the listener to render.</param>
        /// <param name="admitEveryClientOfTheCa">The policy also has a rule admitting every client the CA signed (the openssl-signed one).</param>
        public World(ProxyKind kind, string listener, string mountPath, int port, int upstreamPort, string? pinsInPath = null, bool admitEveryClientOfTheCa = false)
        {
            List<PinSpec> pins = [new PinSpec { IssuedCertificateRef = new() { Name = "partner-a" } }, new PinSpec { IssuedCertificateRef = new() { Name = "partner-b" } }];
            _listener = listener;
            var ca = TestCertificateAuthority.CreateRoot("CN=Partner CA,O=Platform");
            _ca = ca;
            var server = ProxyPki.Instance.DefaultServer;
            _snapshot = ResourceSnapshot.Of(
            [
                TlsSecret("partner-ca-key", PemExport.Certificate(ca.Certificate), PemExport.PrivateKey(ca.Certificate)),
                new ClientCertificateAuthority { Metadata = Meta("partner-ca"), Spec = new() { SecretRef = new() { Name = "partner-ca-key" } } },
                Issued("partner-a"),
                Issued("partner-b"),
                new TrustBundle
                {
                    Metadata = Meta("partners"),
                    Spec = new()
                    {
                        Sources = [new DataSource { ConfigMap = new KeyReference { Name = "partner-ca-crl", Key = "ca.crt" } }],
                        Crls = [new CrlSource { ConfigMap = new KeyReference { Name = "partner-ca-crl", Key = "ca.crl" } }],
                    },
                },
                new ClientAuthPolicy
                {
                    Metadata = Meta("partners"),
                    Spec = new()
                    {
                        TrustBundleRef = new() { Name = "partners" },
                        Pins = pinsInPath is null ? pins : [pins[1]],
                        Paths = pinsInPath is null ? [] : [new PathRuleSpec { Prefix = pinsInPath, Pins = [pins[0]] }],
                        Rules = admitEveryClientOfTheCa ? [new MatchRuleSpec { Issuer = "CN=Partner CA,O=Platform" }] : [],
                    },
                },
                TlsSecret("api-tls", ProxyPki.Instance.ServerChainPem(server), PemExport.PrivateKey(server)),
                new ServerCertificate { Metadata = Meta("api"), Spec = new() { Hostnames = ["api.test"], SecretRef = new() { Name = "api-tls" } } },
                new MtlsListener
                {
                    Metadata = Meta(listener),
                    Spec = new()
                    {
                        Proxy = kind == ProxyKind.Haproxy ? "HAProxy" : "Nginx",
                        ListenPort = port,
                        UpstreamPort = upstreamPort,
                        ServerCertificateRefs = [new() { Name = "api" }],
                        ClientAuthPolicyRef = new() { Name = "partners" },
                        MountPath = mountPath,
                    },
                },
            ]);
        }

        /// <summary>Where <see cref="SignWithOpenssl"/> works: the CA's certificate and key, and what it signed.</summary>
        public TempDirectory Openssl => _openssl ??= new();

        public void Dispose() => _openssl?.Dispose();

        /// <summary>A client certificate the CA signs with the openssl CLI (<c>openssl x509 -req -CA</c>), outside the operator: legacy.crt.</summary>
        public X509Certificate2 SignWithOpenssl(string subject)
        {
            var dir = Openssl.Directory;
            Openssl.Write("ca.crt", PemExport.Certificate(_ca.Certificate));
            Openssl.Write("ca.key", PemExport.PrivateKey(_ca.Certificate));
            Openssl.Write("client.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
            OpensslCli.RunText(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "legacy.key");
            OpensslCli.RunText(dir, "req", "-new", "-key", "legacy.key", "-subj", subject, "-out", "legacy.csr");
            OpensslCli.RunText(dir, "x509", "-req", "-in", "legacy.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "30",
                "-extfile", "client.ext", "-out", "legacy.crt");
            using var loaded = X509Certificate2.CreateFromPemFile(Path.Combine(dir, "legacy.crt"), Path.Combine(dir, "legacy.key"));
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }

        public void Add(IKubernetesObject<V1ObjectMeta> resource) => _snapshot = _snapshot.With([resource]);

        /// <summary>Evaluates everything twice, writing outputs and statuses back, and returns the listener's files.</summary>
        public IReadOnlyDictionary<string, string> Converge(DateTimeOffset now)
        {
            for (var round = 0; round < 2; round++)
            {
                var result = _engine.EvaluateAll(_snapshot, now);
                foreach (var outcome in result.Outcomes)
                {
                    SetStatus(outcome.Resource, outcome.Status);
                }

                _snapshot = _snapshot.With(result.Outputs).With(result.Outcomes.Select(o => o.Resource));
                var notReady = result.Outcomes.Where(o => o.Ready.Status != "True" && o.Resource is not IssuedClientCertificate).Select(o => $"{o.Resource.Kind} {o.Resource.Metadata.Name}: {o.Ready.Reason} {o.Ready.Message}").ToList();
                Assert.True(notReady.Count == 0, string.Join("\n", notReady));
            }

            var output = _snapshot.FindSecret(Ns, _listener + "-mtls")!;
            return output.Data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetString(d.Value), StringComparer.Ordinal);
        }

        public void Update(string issued, Action<IssuedClientCertificateSpec> change)
        {
            var resource = _snapshot.FindIssuedClientCertificate(Ns, issued)!;
            change(resource.Spec);
            resource.Metadata.Generation++;
        }

        /// <summary>The current certificate of <paramref name="issued"/> with its key, as the partner installs it from the Secret.</summary>
        public X509Certificate2 Client(string issued)
        {
            var secret = _snapshot.FindSecret(Ns, issued + "-tls")!;
            var pem = Encoding.UTF8.GetString(secret.Data["tls.crt"]);
            var leaf = pem[..(pem.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length)];
            using var loaded = X509Certificate2.CreateFromPem(leaf, Encoding.UTF8.GetString(secret.Data["tls.key"]));
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }

        private static IssuedClientCertificate Issued(string name) => new()
        {
            Metadata = Meta(name),
            Spec = new() { AuthorityRef = new() { Name = "partner-ca" }, Subject = $"CN={name},O=Partner", Uris = [$"spiffe://partner.example/{name}"], ValidityDays = 30 },
        };

        private static V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = Ns, Generation = 1, Uid = "uid-" + name };

        private static V1Secret TlsSecret(string name, string crt, string key) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
            Type = "kubernetes.io/tls",
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.UTF8.GetBytes(crt), ["tls.key"] = Encoding.UTF8.GetBytes(key) },
        };

        private static void SetStatus(IKubernetesObject<V1ObjectMeta> resource, object status)
        {
            switch (resource)
            {
                case ClientCertificateAuthority a: a.Status = (ClientCertificateAuthorityStatus)status; break;
                case IssuedClientCertificate i: i.Status = (IssuedClientCertificateStatus)status; break;
                case TrustBundle b: b.Status = (TrustBundleStatus)status; break;
                case ClientAuthPolicy p: p.Status = (ClientAuthPolicyStatus)status; break;
                case ServerCertificate c: c.Status = (ServerCertificateStatus)status; break;
                case MtlsListener l: l.Status = (MtlsListenerStatus)status; break;
                case ClientCertificateRevocation r: r.Status = (ClientCertificateRevocationStatus)status; break;
            }
        }
    }
}

public sealed class HaproxyIssuedCertificateProxyTests() : IssuedCertificateProxyTests(ProxyKind.Haproxy);

public sealed class NginxIssuedCertificateProxyTests() : IssuedCertificateProxyTests(ProxyKind.Nginx);
