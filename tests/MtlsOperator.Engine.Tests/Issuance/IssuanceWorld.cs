using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Issuance;
using TestPki;

namespace MtlsOperator.Engine.Tests.Issuance;

/// <summary>A namespace with one partner CA (certificate and key in a Secret), its ClientCertificateAuthority and IssuedClientCertificates,
/// converged the way the controller converges it: each evaluation's outputs are written back into the world.</summary>
internal sealed class IssuanceWorld
{
    public const string Ns = "partners";

    private readonly Dictionary<(string Kind, string Name), IKubernetesObject<V1ObjectMeta>> _objects = [];
    private readonly TrustEngine _engine = new();

    public IssuanceWorld(TestCertificateAuthority? ca = null)
    {
        Ca = ca ?? TestCertificateAuthority.CreateRoot("CN=Partner CA,O=Platform");
        Put(CaSecret("partner-ca-key", Ca));
        Put(new ClientCertificateAuthority
        {
            Metadata = new V1ObjectMeta { Name = "partner-ca", NamespaceProperty = Ns, Generation = 1, Uid = "uid-ca" },
            Spec = new ClientCertificateAuthoritySpec { SecretRef = new ObjectReference { Name = "partner-ca-key" } },
        });
    }

    public TestCertificateAuthority Ca { get; }

    /// <summary>The time of the last <see cref="Converge"/>.</summary>
    public DateTimeOffset ConvergedAt { get; private set; }

    /// <summary>Writes performed by the last <see cref="Converge"/>.</summary>
    public List<string> Writes { get; } = [];

    public static V1Secret CaSecret(string name, TestCertificateAuthority ca) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(PemExport.Certificates(ca.ChainToRoot)),
            ["tls.key"] = Encoding.UTF8.GetBytes(PemExport.PrivateKey(ca.Certificate)),
        },
    };

    public static IssuedClientCertificate Certificate(string name, Action<IssuedClientCertificateSpec>? change = null)
    {
        var spec = new IssuedClientCertificateSpec
        {
            AuthorityRef = new ObjectReference { Name = "partner-ca" },
            Subject = $"CN={name},O=Partner A",
            Uris = [$"spiffe://partner.example/{name}"],
            EmailAddresses = [$"{name}@partner.example"],
            ValidityDays = 30,
        };
        change?.Invoke(spec);
        return new IssuedClientCertificate { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Generation = 1, Uid = "uid-" + name }, Spec = spec };
    }

    /// <summary>A ClientCertificateRevocation at the world's CA.</summary>
    public static ClientCertificateRevocation Revocation(string name, string? issued = null, string? reason = null, params string[] serials) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Generation = 1, Uid = "uid-revocation-" + name },
        Spec = new ClientCertificateRevocationSpec
        {
            AuthorityRef = new ObjectReference { Name = "partner-ca" },
            IssuedCertificateRef = issued is null ? null : new ObjectReference { Name = issued },
            SerialNumbers = [.. serials],
            Reason = reason,
        },
    };

    public ClientCertificateRevocation RevocationNamed(string name) => Get<ClientCertificateRevocation>(ClientCertificateRevocation.KindName, name)!;

    public void Put(IKubernetesObject<V1ObjectMeta> o) => _objects[(ResourceKey.Of(o).Kind, o.Metadata.Name)] = o;

    public void Remove(string kind, string name) => _objects.Remove((kind, name));

    public T? Get<T>(string kind, string name) where T : class => _objects.GetValueOrDefault((kind, name)) as T;

    public ClientCertificateAuthority Authority => Get<ClientCertificateAuthority>(ClientCertificateAuthority.KindName, "partner-ca")!;

    public IssuedClientCertificate Issued(string name) => Get<IssuedClientCertificate>(IssuedClientCertificate.KindName, name)!;

    public V1Secret? Secret(string name) => Get<V1Secret>(V1Secret.KubeKind, name);

    public V1ConfigMap? CrlConfigMap => Get<V1ConfigMap>(V1ConfigMap.KubeKind, "partner-ca-crl");

    public Engine.Pki.CertificateRevocationList? Crl => PublishedCrl.Read(CrlConfigMap);

    public X509Certificate2 CurrentOf(string name) => X509CertificateLoader.LoadCertificate(PemBody(Secret(name + "-tls")!.Data["tls.crt"]));

    public ResourceSnapshot Snapshot => ResourceSnapshot.Of(_objects.Values);

    /// <summary>Issues <paramref name="name"/> at <paramref name="now"/> and converges again three weeks later, when its 30-day
    /// certificate is due for renewal; returns the first and the renewed certificate.</summary>
    public (X509Certificate2 First, X509Certificate2 Renewed) IssueAndRenew(string name, DateTimeOffset now, Action<IssuedClientCertificateSpec>? change = null)
    {
        Put(Certificate(name, change));
        Converge(now);
        var first = CurrentOf(name);
        Converge(now.AddDays(21));
        return (first, CurrentOf(name));
    }

    /// <summary>Evaluates issued certificates, then the CA, then revocations, twice, writing outputs and statuses back, as the controller does.</summary>
    public void Converge(DateTimeOffset now)
    {
        ConvergedAt = now;
        Writes.Clear();
        for (var round = 0; round < 2; round++)
        {
            foreach (var issued in _objects.Values.OfType<IssuedClientCertificate>().ToList())
            {
                var r = _engine.Evaluate(issued, new EvaluationContext(Snapshot, now));
                Apply(r.Output);
                issued.Status = r.Status;
            }

            var authority = Authority;
            var a = _engine.Evaluate(authority, new EvaluationContext(Snapshot, now));
            Apply(a.Output);
            authority.Status = a.Status;
            foreach (var revocation in _objects.Values.OfType<ClientCertificateRevocation>().ToList())
            {
                revocation.Status = _engine.Evaluate(revocation, new EvaluationContext(Snapshot, now)).Status;
            }
        }
    }

    private void Apply(IKubernetesObject<V1ObjectMeta>? output)
    {
        if (output is null)
        {
            return;
        }

        var before = _objects.GetValueOrDefault((ResourceKey.Of(output).Kind, output.Metadata.Name));
        if (before is null || KubernetesJson.Serialize(Strip(before)) != KubernetesJson.Serialize(Strip(output)))
        {
            Writes.Add($"{ResourceKey.Of(output).Kind}/{output.Metadata.Name}");
            Put(output);
        }
    }

    private static object Strip(IKubernetesObject<V1ObjectMeta> o) => o switch
    {
        V1Secret s => new { s.Data, s.Metadata.Annotations, s.Metadata.Labels },
        V1ConfigMap c => new { c.Data, c.Metadata.Annotations, c.Metadata.Labels },
        _ => o,
    };

    private static byte[] PemBody(byte[] pem)
    {
        var text = Encoding.UTF8.GetString(pem);
        var start = text.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        var end = text.IndexOf("-----END CERTIFICATE-----", start, StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length;
        return Encoding.UTF8.GetBytes(text[start..end]);
    }
}
