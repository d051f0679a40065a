using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using TestPki;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Builds TrustBundle resources and evaluation contexts for tests.</summary>
internal static class TrustBundles
{
    public const string Namespace = "team-a";

    public static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static DataSource Inline(string pem) => new() { Inline = pem };

    public static DataSource Inline(params TestCertificateAuthority[] cas) => Inline(PemExport.Certificates(cas.Select(c => c.Certificate)));

    public static TrustBundle Bundle(IEnumerable<DataSource> sources, IEnumerable<DataSource>? crls = null, string name = "corp", string? uid = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Generation = 4, Uid = uid },
        Spec = new TrustBundleSpec { Sources = [.. sources], Crls = [.. (crls ?? []).Select(CrlSource.Of)] },
    };

    public static EvaluationContext Context(params IKubernetesObject<V1ObjectMeta>[] objects) =>
        new(ResourceSnapshot.Of(objects), Now);

    public static TrustBundleEvaluation Evaluate(TrustBundle bundle, params IKubernetesObject<V1ObjectMeta>[] objects) =>
        new TrustBundleEvaluator().Evaluate(bundle, Context(objects));

    public static V1Condition Ready(TrustBundleEvaluation result) => result.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready);

    public static V1Secret Secret(string name, string key, string value) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Data = new Dictionary<string, byte[]> { [key] = System.Text.Encoding.UTF8.GetBytes(value) },
    };

    public static V1ConfigMap ConfigMap(string name, string key, string value) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Data = new Dictionary<string, string> { [key] = value },
    };
}
