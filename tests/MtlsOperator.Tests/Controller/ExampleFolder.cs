using System.Text.Json.Nodes;
using MtlsOperator.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>One folder of <c>examples/</c>, applied to the test cluster as <c>kubectl apply -f</c> would.</summary>
internal static class ExampleFolder
{
    /// <summary>Applies every YAML file of the folder; returns (plural, namespace, name) of its custom resources.</summary>
    public static async Task<IReadOnlyList<(string Plural, string Ns, string Name)>> ApplyAsync(OperatorFixture fx, string example)
    {
        var resources = new List<(string, string, string)>();
        foreach (var file in Directory.GetFiles(RepositoryRoot.Combine("examples", example), "*.yaml").Order(StringComparer.Ordinal))
        {
            var yaml = await File.ReadAllTextAsync(file);
            await fx.ApplyAsync(yaml);
            foreach (var document in ManifestYaml.ReadDocuments(yaml).OfType<JsonObject>().Where(d => (string?)d["apiVersion"] == Manifests.Group))
            {
                resources.Add((OperatorFixture.PluralOf((string)document["kind"]!), (string)document["metadata"]!["namespace"]!, (string)document["metadata"]!["name"]!));
            }
        }

        Assert.NotEmpty(resources);
        return resources;
    }
}
