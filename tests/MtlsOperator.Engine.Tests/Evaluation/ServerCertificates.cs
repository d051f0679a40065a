using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using TestPki;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Builds ServerCertificate resources, TLS Secrets and evaluation contexts for tests.</summary>
internal static class ServerCertificates
{
    public const string Namespace = "team-a";
    public const string SecretName = "web-tls";
    public const long Generation = 3;

    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static ServerCertificate FromSecret(params string[] hostnames) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = Namespace, Generation = Generation },
        Spec = new ServerCertificateSpec { Hostnames = [.. hostnames], SecretRef = new ObjectReference { Name = SecretName } },
    };

    public static ServerCertificate SelfSigned(string[] hostnames, string? keyAlgorithm = null, int? validityDays = null, string? uid = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = Namespace, Generation = Generation, Uid = uid },
        Spec = new ServerCertificateSpec
        {
            Hostnames = [.. hostnames],
            SelfSigned = new SelfSignedSpec { KeyAlgorithm = keyAlgorithm, ValidityDays = validityDays },
        },
    };

    public static V1Secret TlsSecret(string crt, string key, string? ca = null, string type = "kubernetes.io/tls")
    {
        var data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.UTF8.GetBytes(crt), ["tls.key"] = Encoding.UTF8.GetBytes(key) };
        if (ca is not null)
        {
            data["ca.crt"] = Encoding.UTF8.GetBytes(ca);
        }

        return new V1Secret { Metadata = new V1ObjectMeta { Name = SecretName, NamespaceProperty = Namespace }, Type = type, Data = data };
    }

    /// <summary>A Secret with the leaf (and optional chain) in tls.crt and the leaf's PKCS#8 key in tls.key.</summary>
    public static V1Secret TlsSecret(X509Certificate2 leaf, params X509Certificate2[] chain) =>
        TlsSecret(PemExport.Certificates([leaf, .. chain]), PemExport.PrivateKey(leaf));

    public static EvaluationContext Context(params IKubernetesObject<V1ObjectMeta>[] objects) => new(ResourceSnapshot.Of(objects), Now);

    public static ServerCertificateEvaluation Evaluate(ServerCertificate certificate, params IKubernetesObject<V1ObjectMeta>[] objects) =>
        new ServerCertificateEvaluator().Evaluate(certificate, Context(objects));

    public static ServerCertificateEvaluation EvaluateAt(DateTimeOffset now, ServerCertificate certificate, params IKubernetesObject<V1ObjectMeta>[] objects) =>
        new ServerCertificateEvaluator().Evaluate(certificate, Context(objects) with { Now = now });

    public static V1Condition Condition(ServerCertificateEvaluation result, string type) => result.Status.Conditions.Single(c => c.Type == type);

    public static V1Condition Ready(ServerCertificateEvaluation result) => Condition(result, ConditionTypes.Ready);
}
