using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Engine.Tests.SigningRequests;

/// <summary>Builds CSR-flow ServerCertificates and plays the cluster between evaluations: the key Secret written is read back.</summary>
internal static class CsrFlow
{
    public const string Namespace = "payments";
    public const string Name = "payments-api";
    public const string SignedSecret = "payments-api-signed";

    /// <summary>An hour ahead of the wall clock: openssl starts a certificate's validity at the second it signs it.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow.AddHours(1);

    public static ServerCertificate Certificate(string[]? hostnames = null, Action<CsrSpec>? configure = null, int? expiryWarningDays = null)
    {
        var csr = new CsrSpec
        {
            Subject = new CsrSubject { Organization = "Example Corp", OrganizationalUnit = "Payments", Country = "US", EmailAddress = "pki-team@example.com" },
            Certificate = new DataSource { Secret = new KeyReference { Name = SignedSecret, Key = "tls.crt" } },
        };
        configure?.Invoke(csr);
        return new ServerCertificate
        {
            Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace, Generation = 1, Uid = "uid-payments" },
            Spec = new ServerCertificateSpec
            {
                Hostnames = [.. hostnames ?? ["payments.example.com", "api.payments.example.com"]],
                Csr = csr,
                ExpiryWarningDays = expiryWarningDays,
            },
        };
    }

    /// <summary>The Secret the user creates with the signed certificate (kubectl create secret generic ... --from-file=tls.crt=signed.pem).</summary>
    public static V1Secret Signed(string pem) => new()
    {
        Metadata = new V1ObjectMeta { Name = SignedSecret, NamespaceProperty = Namespace },
        Type = "Opaque",
        Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.UTF8.GetBytes(pem) },
    };

    public static ServerCertificateEvaluation Evaluate(ServerCertificate certificate, DateTimeOffset now, bool allowGeneration, params IKubernetesObject<V1ObjectMeta>?[] world) =>
        new TrustEngine().Evaluate(certificate, new EvaluationContext(ResourceSnapshot.Of(world.OfType<IKubernetesObject<V1ObjectMeta>>()), now, allowGeneration));

    /// <summary>The key Secret as the API server would return it after the operator wrote it (or the one given, when nothing was written).</summary>
    public static V1Secret? KeySecretAfter(ServerCertificateEvaluation result, V1Secret? before) => result.KeySecret ?? before;

    public static V1Condition Condition(ServerCertificateEvaluation result, string type) => result.Status.Conditions.Single(c => c.Type == type);

    public static V1Condition Ready(ServerCertificateEvaluation result) => Condition(result, ConditionTypes.Ready);

    public static string Text(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    public static X509Certificate2 LeafOf(ServerCertificateEvaluation result) => X509Certificate2.CreateFromPem(result.Identity!.ChainPem);
}
