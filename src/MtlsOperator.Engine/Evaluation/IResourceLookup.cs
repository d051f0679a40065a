using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Read-only view of the world the engine evaluates against: the controller's cache or the CLI's input files.</summary>
public interface IResourceLookup
{
    V1Secret? FindSecret(string @namespace, string name);

    V1ConfigMap? FindConfigMap(string @namespace, string name);

    TrustBundle? FindTrustBundle(string @namespace, string name);

    ServerCertificate? FindServerCertificate(string @namespace, string name);

    ClientAuthPolicy? FindClientAuthPolicy(string @namespace, string name);
}
