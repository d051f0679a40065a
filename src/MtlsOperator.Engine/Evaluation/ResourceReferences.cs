using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The objects a resource's evaluation reads, so a change to any of them re-queues it. Cross-namespace references are left out: they are refused, never read.</summary>
public static class ResourceReferences
{
    /// <summary>Suffix of the Secret holding a ServerCertificate's self-signed bootstrap certificate.</summary>
    public const string BootstrapSecretSuffix = "-bootstrap-tls";

    /// <summary>Suffix of the Secret holding a ServerCertificate's CSR-flow keys and requests.</summary>
    public const string CsrKeySecretSuffix = "-csr-key";

    /// <summary>Suffix of the ConfigMap publishing a ServerCertificate's key pins.</summary>
    public const string PinsConfigMapSuffix = "-pins";

    /// <remarks>Reads the spec defensively (null spec, lists or items): the controller computes references before evaluating, so a hole
    /// here must leave the resource to the engine, which reports it (<see cref="ResourceShape"/>), rather than fail every reconcile.</remarks>
    public static IReadOnlyList<ResourceKey> Of(IKubernetesObject<V1ObjectMeta> resource)
    {
        var ns = resource.Metadata.NamespaceProperty ?? "default";
        var keys = new List<ResourceKey>();
        void Add(string kind, string? name, string? refNamespace = null)
        {
            if (!string.IsNullOrEmpty(name) && (string.IsNullOrEmpty(refNamespace) || refNamespace == ns))
            {
                keys.Add(new ResourceKey(kind, ns, name));
            }
        }

        void AddSource(DataSource? source)
        {
            Add(V1Secret.KubeKind, source?.Secret?.Name, source?.Secret?.Namespace);
            Add(V1ConfigMap.KubeKind, source?.ConfigMap?.Name, source?.ConfigMap?.Namespace);
        }

        switch (resource)
        {
            case TrustBundle { Spec: null } or ServerCertificate { Spec: null } or ClientAuthPolicy { Spec: null } or MtlsListener { Spec: null }
                or ClientCertificateAuthority { Spec: null } or IssuedClientCertificate { Spec: null } or ClientCertificateRevocation { Spec: null }:
                break;
            case TrustBundle b:
                (b.Spec.Sources ?? []).Concat((b.Spec.Crls ?? []).Select(c => c?.AsDataSource())).ToList().ForEach(AddSource);

                // Its own output too: a same-named ConfigMap it does not own must be seen to be reported as a conflict.
                Add(V1ConfigMap.KubeKind, TrustBundleEvaluator.OutputNameOf(b));
                break;
            case ServerCertificate c:
                Add(V1Secret.KubeKind, c.Spec.SecretRef?.Name, c.Spec.SecretRef?.Namespace);
                if (c.Spec.SelfSigned is not null)
                {
                    Add(V1Secret.KubeKind, c.Metadata.Name + BootstrapSecretSuffix);
                }

                if (c.Spec.Csr is { } csr)
                {
                    Add(V1Secret.KubeKind, c.Metadata.Name + CsrKeySecretSuffix);
                    AddSource(csr.Certificate);
                    AddSource(csr.Chain);
                }

                // Its pins ConfigMap too: a same-named ConfigMap it does not own must be seen to be left alone.
                Add(V1ConfigMap.KubeKind, c.Metadata.Name + PinsConfigMapSuffix);

                break;
            case ClientAuthPolicy p:
                Add(TrustBundle.KindName, p.Spec.TrustBundleRef?.Name, p.Spec.TrustBundleRef?.Namespace);
                (p.Spec.Pins ?? []).ForEach(pin => AddSource(pin?.Certificate));
                // The policy's own pins and each path's, read alike: a renewal or revocation of a pinned IssuedClientCertificate re-queues it.
                foreach (var pin in (p.Spec.Pins ?? []).Concat((p.Spec.Paths ?? []).SelectMany(path => path?.Pins ?? [])))
                {
                    AddSource(pin?.Certificate);
                    Add(IssuedClientCertificate.KindName, pin?.IssuedCertificateRef?.Name, pin?.IssuedCertificateRef?.Namespace);
                }

                break;
            case ClientCertificateAuthority a:
                // Its CA Secret and its own CRL ConfigMap (a foreign one of that name is reported as a conflict). The IssuedClientCertificates
                // naming it are read too; the controller re-queues the CA when one of them or its Secret changes.
                Add(V1Secret.KubeKind, a.Spec.SecretRef?.Name, a.Spec.SecretRef?.Namespace);
                Add(V1ConfigMap.KubeKind, Issuance.PublishedCrl.ConfigMapNameOf(a));
                break;
            case IssuedClientCertificate i:
                Add(ClientCertificateAuthority.KindName, i.Spec.AuthorityRef?.Name, i.Spec.AuthorityRef?.Namespace);
                Add(V1Secret.KubeKind, Issuance.IssuedSecretData.SecretNameOf(i));
                Add(V1Secret.KubeKind, i.Spec.Pkcs12?.PasswordSecretRef?.Name, i.Spec.Pkcs12?.PasswordSecretRef?.Namespace);
                break;
            case ClientCertificateRevocation r:
                // The CA (and through it its CRL ConfigMap: published or not) and the IssuedClientCertificate it names (and its Secret).
                Add(ClientCertificateAuthority.KindName, r.Spec.AuthorityRef?.Name, r.Spec.AuthorityRef?.Namespace);
                Add(IssuedClientCertificate.KindName, r.Spec.IssuedCertificateRef?.Name, r.Spec.IssuedCertificateRef?.Namespace);
                break;
            case MtlsListener l:
                Add(ClientAuthPolicy.KindName, l.Spec.ClientAuthPolicyRef?.Name, l.Spec.ClientAuthPolicyRef?.Namespace);
                (l.Spec.ServerCertificateRefs ?? []).ForEach(r => Add(ServerCertificate.KindName, r?.Name, r?.Namespace));
                Add(V1Secret.KubeKind, ListenerSpecDefaults.OutputSecretName(l));
                Add(TrustBundle.KindName, l.Spec.UpstreamTls?.TrustBundleRef?.Name, l.Spec.UpstreamTls?.TrustBundleRef?.Namespace);
                Add(V1Secret.KubeKind, l.Spec.UpstreamTls?.ClientCertificateSecretRef?.Name, l.Spec.UpstreamTls?.ClientCertificateSecretRef?.Namespace);
                break;
        }

        return keys.Distinct().ToList();
    }
}
