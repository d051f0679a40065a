using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.ProxyTests.Infrastructure;
using TestPki;

namespace MtlsOperator.ProxyTests.Loadability;

/// <summary>Turns a <see cref="GeneratedListener"/> into the resources a user would apply, with real certificates: each server
/// certificate covers exactly its names (P-256, SHA-256, from one server CA) unless its flaw says otherwise.</summary>
public static class GeneratedWorld
{
    private static readonly Lazy<ServerCa> s_ca = new(() => new ServerCa());

    /// <summary>Every object of the listener's world, its listener set to <paramref name="proxy"/> and mounted at <paramref name="mountPath"/>.</summary>
    public static List<IKubernetesObject<V1ObjectMeta>> Build(GeneratedListener listener, string ns, string proxy, string mountPath)
    {
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        var refs = new List<Engine.Api.ObjectReference>();
        for (var i = 0; i < listener.Servers.Length; i++)
        {
            var server = listener.Servers[i];
            var (chain, key) = s_ca.Value.Issue(server.Hostnames, server.Flaw);
            var name = $"{listener.Name}-server{i}";
            objects.Add(new V1Secret
            {
                ApiVersion = "v1",
                Kind = V1Secret.KubeKind,
                Metadata = Meta(name + "-tls", ns),
                Type = "kubernetes.io/tls",
                Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.UTF8.GetBytes(chain), ["tls.key"] = Encoding.UTF8.GetBytes(key) },
            });
            objects.Add(new ServerCertificate
            {
                Metadata = Meta(name, ns),
                Spec = new ServerCertificateSpec { Hostnames = [.. server.Hostnames], SecretRef = new Engine.Api.ObjectReference { Name = name + "-tls" } },
            });
            refs.Add(new Engine.Api.ObjectReference { Name = name });
        }

        var pki = ProxyPki.Instance;
        objects.Add(new TrustBundle
        {
            Metadata = Meta(listener.Name, ns),
            Spec = new TrustBundleSpec
            {
                Sources = [new DataSource { Inline = pki.ClientBundlePem }],
                Crls = listener.CheckRevocation ? [new CrlSource { Inline = pki.AllCrlsPem }] : [],
            },
        });
        objects.Add(new ClientAuthPolicy { Metadata = Meta(listener.Name, ns), Spec = Policy(listener) });
        objects.Add(new MtlsListener
        {
            Metadata = Meta(listener.Name, ns),
            Spec = new MtlsListenerSpec
            {
                Proxy = proxy,
                ListenPort = listener.ListenPort,
                UpstreamPort = listener.UpstreamPort,
                UpstreamHost = listener.UpstreamHost,
                ServerCertificateRefs = refs,
                ClientAuthPolicyRef = new Engine.Api.ObjectReference { Name = listener.Name },
                MountPath = mountPath,
            },
        });
        return objects;
    }

    private static ClientAuthPolicySpec Policy(GeneratedListener listener)
    {
        var pins = listener.Sha1Pins.Select(p => new PinSpec { Sha1 = p })
            .Concat(listener.Sha256Pins.Select(p => new PinSpec { Sha256 = p }))
            .ToList();
        if (listener.PinAClientCertificate)
        {
            pins.Add(new PinSpec { Certificate = new DataSource { Inline = PemExport.Certificate(ProxyPki.Instance.Pinned) }, Description = "a real client" });
        }

        return new ClientAuthPolicySpec
        {
            TrustBundleRef = new Engine.Api.ObjectReference { Name = listener.Name },
            Pins = pins,
            Rules = [.. listener.Rules.Select(r => new MatchRuleSpec { Issuer = r.Issuer, Subject = r.Subject })],
            Revocation = listener.CheckRevocation ? "Required" : "Disabled",
            ForwardIdentityHeader = listener.IdentityHeader,
        };
    }

    private static V1ObjectMeta Meta(string name, string ns) => new() { Name = name, NamespaceProperty = ns, Generation = 1, Uid = Guid.NewGuid().ToString() };

    /// <summary>Issues server certificates; the weak intermediate is made once.</summary>
    private sealed class ServerCa
    {
        private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        private readonly X509Certificate2 _root;
        private readonly RSA _weakKey = RSA.Create(1024);
        private readonly X509Certificate2 _weakIntermediate;

        public ServerCa()
        {
            var request = new CertificateRequest("CN=Generated Server Root,O=Loadability", _rootKey, HashAlgorithmName.SHA256);
            AddCaExtensions(request);
            _root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            var weak = new CertificateRequest("CN=Weak Issuing CA,O=Loadability", _weakKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            AddCaExtensions(weak);
            _weakIntermediate = weak.Create(_root.SubjectName, X509SignatureGenerator.CreateForECDsa(_rootKey),
                DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), Serial());
        }

        /// <summary>tls.crt (leaf, intermediates, root) and tls.key for <paramref name="names"/>.</summary>
        public (string Chain, string Key) Issue(string[] names, ServerFlaw flaw)
        {
            using AsymmetricAlgorithm key = flaw == ServerFlaw.WeakLeafKey ? RSA.Create(1024) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var subject = new X500DistinguishedName("CN=generated server,O=Loadability");
            var hash = flaw == ServerFlaw.Sha1Signature ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
            var request = key is RSA rsa ? new CertificateRequest(subject, rsa, hash, RSASignaturePadding.Pkcs1) : new CertificateRequest(subject, (ECDsa)key, hash);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(TestCertificateAuthority.ServerAuthOid)], false));
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in names)
            {
                san.AddDnsName(name);
            }

            request.CertificateExtensions.Add(san.Build());
            var viaWeak = flaw == ServerFlaw.WeakIntermediate;
            var generator = viaWeak ? X509SignatureGenerator.CreateForRSA(_weakKey, RSASignaturePadding.Pkcs1)
                : flaw == ServerFlaw.Sha1Signature ? new EcdsaSha1Generator(_rootKey)
                : X509SignatureGenerator.CreateForECDsa(_rootKey);
            using var leaf = request.Create(viaWeak ? _weakIntermediate.SubjectName : _root.SubjectName, generator,
                DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), Serial());
            X509Certificate2[] chain = viaWeak ? [leaf, _weakIntermediate, _root] : [leaf, _root];
            var keyPem = key is RSA r ? r.ExportPkcs8PrivateKeyPem() : ((ECDsa)key).ExportPkcs8PrivateKeyPem();
            return (PemExport.Certificates(chain), keyPem + "\n");
        }

        private static void AddCaExtensions(CertificateRequest request)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        }

        /// <summary>ecdsa-with-SHA1, which .NET's own generator refuses to make: only to prove the engine refuses it.</summary>
        private sealed class EcdsaSha1Generator(ECDsa key) : X509SignatureGenerator
        {
            private static readonly byte[] s_ecdsaWithSha1 = [0x30, 0x09, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x01];

            public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => s_ecdsaWithSha1;

            public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) =>
                key.SignData(data, HashAlgorithmName.SHA1, DSASignatureFormat.Rfc3279DerSequence);

            protected override PublicKey BuildPublicKey() => X509SignatureGenerator.CreateForECDsa(key).PublicKey;
        }

        private static byte[] Serial() => RandomNumberGenerator.GetBytes(12).Select((b, i) => i == 0 ? (byte)(b & 0x7f | 0x01) : b).ToArray();
    }
}
