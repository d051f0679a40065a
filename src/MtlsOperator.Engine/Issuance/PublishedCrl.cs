using System.Formats.Asn1;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Issuance;

/// <summary>The ConfigMap a ClientCertificateAuthority publishes its CRL in, and reading it back.</summary>
public static class PublishedCrl
{
    /// <summary>Key of the CRL (PEM).</summary>
    public const string CrlKey = "ca.crl";

    /// <summary>Key of the CA certificate (PEM).</summary>
    public const string CaKey = "ca.crt";

    /// <summary>Suffix of the default ConfigMap name.</summary>
    public const string Suffix = "-crl";

    public static string ConfigMapNameOf(ClientCertificateAuthority authority) =>
        string.IsNullOrEmpty(authority.Spec?.Crl?.ConfigMapName) ? authority.Metadata.Name + Suffix : authority.Spec.Crl.ConfigMapName;

    /// <summary>The CRL in <paramref name="configMap"/>, or null when there is none or it cannot be read.</summary>
    public static CertificateRevocationList? Read(V1ConfigMap? configMap)
    {
        var text = configMap?.Data is { } data && data.TryGetValue(CrlKey, out var t) ? t : null;
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var content = PemOrDer.Read(Encoding.UTF8.GetBytes(text), PemLabels.Crl);
        if (content.Error is not null || content.Objects.Count != 1)
        {
            return null;
        }

        try
        {
            return CertificateRevocationList.Parse(content.Objects[0]);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The CRL <paramref name="authority"/> has published, from the lookup.</summary>
    public static CertificateRevocationList? Of(ClientCertificateAuthority authority, IResourceLookup lookup) =>
        Read(lookup.FindConfigMap(authority.Metadata.NamespaceProperty ?? "default", ConfigMapNameOf(authority)));
}
