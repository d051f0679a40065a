using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Rollout;

namespace MtlsOperator.Controller.Converged;

/// <summary>
/// A fingerprint of everything one reconcile reads from the cache: the resource and every object it reads, transitively (as the
/// reference index knows them), the outputs it and those objects write, and for a listener what its pods' sidecars report —
/// each by uid and resourceVersion, a missing one as missing. Equal fingerprints mean the evaluation sees equal inputs.
/// </summary>
/// <remarks>
/// Null (never remembered) for what also reads outside the cache, where no version tells a change: a bundle that fetches CRLs from
/// URLs (and whatever reads it), a ServerCertificate that generates its own key or signs through a CertificateSigningRequest
/// (polled, not watched), and the issuance kinds, which read namespace-wide lists the reference index does not name. Objects
/// without a uid or a resourceVersion have no identity to compare.
/// </remarks>
internal static class ReconcileInputs
{
    /// <param name="reads">What <paramref name="resource"/> reads, transitively, and the outputs its evaluation compares with.</param>
    public static UInt128? Fingerprint(IKubernetesObject<V1ObjectMeta> resource, IEnumerable<ResourceKey> reads, IResourceLookup lookup,
        Func<ResourceKey, IKubernetesObject<V1ObjectMeta>?> findResource, IReadOnlyList<PodServing> pods)
    {
        if (!IsRemembered(resource))
        {
            return null;
        }

        var text = new StringBuilder();
        if (Append(text, ResourceKey.Of(resource), resource) is false)
        {
            return null;
        }

        foreach (var key in reads.Distinct().OrderBy(k => k.ToString(), StringComparer.Ordinal))
        {
            var found = key.Kind switch
            {
                V1Secret.KubeKind => lookup.FindSecret(key.Namespace, key.Name),
                V1ConfigMap.KubeKind => lookup.FindConfigMap(key.Namespace, key.Name),
                _ => findResource(key),
            };
            if (key.Kind is IssuedClientCertificate.KindName or ClientCertificateAuthority.KindName or ClientCertificateRevocation.KindName
                || Append(text, key, found) is false)
            {
                return null;
            }
        }

        foreach (var pod in pods)
        {
            text.Append("pod ").Append(pod.Pod).Append('=').Append(pod.Report?.ToJson() ?? "-").Append(';');
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    private static bool IsRemembered(IKubernetesObject<V1ObjectMeta> resource) => resource switch
    {
        MtlsListener or ClientAuthPolicy or TrustBundle => true,
        ServerCertificate certificate => certificate.Spec?.SecretRef is not null,
        _ => false,
    };

    /// <returns>False when the object cannot be told apart from a changed one.</returns>
    private static bool Append(StringBuilder text, ResourceKey key, IKubernetesObject<V1ObjectMeta>? found)
    {
        text.Append(key).Append('=');
        if (found is not null)
        {
            if (found.Metadata.Uid is not { } uid || found.Metadata.ResourceVersion is not { } version || FetchesCrls(found))
            {
                return false;
            }

            text.Append(uid).Append('@').Append(version);
        }
        else
        {
            text.Append('-');
        }

        text.Append(';');
        return true;
    }

    private static bool FetchesCrls(IKubernetesObject<V1ObjectMeta> o) =>
        o is TrustBundle { Spec: { } spec } && (spec.FetchCrlDistributionPoints == true || spec.Crls.Any(c => c.Url is not null));
}
