using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MtlsOperator.Cli;

/// <summary>Reads a kubeconfig into the client's own model, as <c>KubernetesClientConfiguration.BuildConfigFromConfigFile</c> would, but
/// without <c>KubernetesYaml</c>.</summary>
/// <remarks>The client's loader goes through <c>KubernetesYaml</c>, whose first use maps every API model type and turns the JSON name of
/// each of their properties into a YAML override: ~20 MiB of RSS the process keeps for its whole life (20 s after start, against a
/// server that is not there: 129 MiB through the client's loader, 107–110 MiB in-cluster or through this one; docs/benchmarks.md,
/// Memory). A kubeconfig names
/// none of those types: its models carry their YAML names themselves, so the same deserializer settings without the overrides and the
/// API-value converters read it the same (<c>KubeconfigYamlTests</c> holds the two loaders to each other).</remarks>
internal static class KubeconfigYaml
{
    /// <summary>The kubeconfig in <paramref name="text"/>; null for an empty document. Throws <see cref="YamlException"/> on malformed YAML.</summary>
    /// <remarks>A deserializer per call: a process reads its kubeconfig once, and KubernetesYaml itself serializes calls to a shared one.</remarks>
    public static K8SConfiguration? Read(string text)
    {
        // The settings of KubernetesYaml's lenient deserializer, less what only API models need.
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithAttemptingUnquotedStringTypeDeserialization()
            .IgnoreUnmatchedProperties()
            .Build();
        using var reader = new StringReader(text);
        return deserializer.Deserialize<K8SConfiguration?>(new MergingParser(new Parser(reader)));
    }
}
