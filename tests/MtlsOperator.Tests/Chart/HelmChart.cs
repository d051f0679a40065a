using System.Text.Json.Nodes;
using MtlsOperator.Cli;

namespace MtlsOperator.Tests.Chart;

/// <summary>The checked-in chart <c>charts/mtls-operator</c>, read from the repository.</summary>
internal static class HelmChart
{
    public static string Directory { get; } = RepositoryRoot.Combine("charts", "mtls-operator");

    public static string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>The single document of a YAML file of the chart (Chart.yaml, values.yaml).</summary>
    public static JsonObject ReadObject(string relative) =>
        ManifestYaml.ReadDocuments(File.ReadAllText(PathOf(relative))).Single().AsObject();

    public static JsonObject Values { get; } = ReadObject("values.yaml");

    /// <summary>Every <c>templates/*.yaml</c> (not <c>_helpers.tpl</c> or <c>NOTES.txt</c>, which are not YAML).</summary>
    public static IReadOnlyList<string> TemplateFiles { get; } =
        [.. System.IO.Directory.GetFiles(PathOf("templates"), "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    public static TemplateSkeleton Template(string relative) => TemplateSkeleton.Read(relative, File.ReadAllText(PathOf(relative)), Values);

    /// <summary>The one document of <paramref name="kind"/> in the template file.</summary>
    public static JsonObject Manifest(string relative, string kind) =>
        Template(relative).Documents.OfType<JsonObject>().Single(d => (string?)d["kind"] == kind);
}
