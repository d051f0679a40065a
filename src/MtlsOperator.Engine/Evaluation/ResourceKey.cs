using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Identifies one object: kind (<c>Secret</c>, <c>ConfigMap</c> or one of ours), namespace and name.</summary>
public sealed record ResourceKey(string Kind, string Namespace, string Name)
{
    /// <summary>The key of <paramref name="o"/>, with the kind taken from its C# type: list items from the API server may omit <c>kind</c>.</summary>
    public static ResourceKey Of(IKubernetesObject<V1ObjectMeta> o)
    {
        var kind = o switch
        {
            V1Secret => V1Secret.KubeKind,
            V1ConfigMap => V1ConfigMap.KubeKind,
            TrustBundle => TrustBundle.KindName,
            ServerCertificate => ServerCertificate.KindName,
            ClientAuthPolicy => ClientAuthPolicy.KindName,
            MtlsListener => MtlsListener.KindName,
            ClientCertificateAuthority => ClientCertificateAuthority.KindName,
            IssuedClientCertificate => IssuedClientCertificate.KindName,
            ClientCertificateRevocation => ClientCertificateRevocation.KindName,
            _ => o.Kind ?? "",
        };
        return new ResourceKey(kind, o.Metadata.NamespaceProperty ?? "default", o.Metadata.Name);
    }

    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}
