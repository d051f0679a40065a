using System.Text.Json.Nodes;
using MtlsOperator.Cli;
using MtlsOperator.Crds;
using MtlsOperator.Tests.Crds;

namespace MtlsOperator.Tests.Docs;

/// <summary>docs/api-reference.md is generated from the CRD schemas and kept current, and it shows every field of the CRDs in crds/ with the
/// schema's own description and bounds (read back from the YAML files, not from the generator).</summary>
public sealed class ApiReferenceTests
{
    private const string RelativePath = "docs/api-reference.md";

    [Fact]
    public void The_page_is_what_the_crds_command_generates_from_the_current_types()
    {
        var generator = new CrdGenerator();
        var expected = ApiReference.Render(CrdCatalog.Kinds.Select(generator.Generate));
        var path = RepositoryRoot.Combine(RelativePath);

        Assert.True(File.Exists(path), $"{RelativePath} is missing; run: {ApiReference.Command}");
        Assert.True(File.ReadAllText(path) == expected, $"{RelativePath} is out of date with the API types; run: {ApiReference.Command}, and review the diff");
    }

    [Fact]
    public void Every_field_of_every_crd_has_a_row_with_its_type_description_and_bounds()
    {
        var rows = PageRows();
        var problems = new List<string>();
        foreach (var file in Directory.GetFiles(RepositoryRoot.Combine("crds"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var yaml = File.ReadAllText(file);
            var kind = (string)ManifestYaml.ReadDocuments(yaml)[0]["spec"]!["names"]!["kind"]!;
            foreach (var field in SchemaField.Of(yaml).Where(f => f.Path.StartsWith("spec", StringComparison.Ordinal) || f.Path.StartsWith("status", StringComparison.Ordinal)))
            {
                if (field.Path.EndsWith("[]", StringComparison.Ordinal) && field.Type == "object")
                {
                    continue; // An object item is described by its fields' rows (and a row of its own only when it has constraints).
                }

                if (!rows.TryGetValue((kind, field.Path), out var row))
                {
                    problems.Add($"{kind} {field.Path}: no row");
                    continue;
                }

                if (field.Schema["description"] is { } description && row.Description != ApiReference.Cell((string)description!))
                {
                    problems.Add($"{kind} {field.Path}: description differs from the CRD's");
                }

                if (!row.Type.StartsWith(field.Type == "array" ? "list of" : field.Type, StringComparison.Ordinal))
                {
                    problems.Add($"{kind} {field.Path}: type {row.Type}, CRD says {field.Type}");
                }

                foreach (var bound in new[] { "maxLength", "maxItems", "maximum", "minimum" })
                {
                    if (field.Schema[bound] is { } value && !row.Constraints.Contains(value.ToJsonString(), StringComparison.Ordinal))
                    {
                        problems.Add($"{kind} {field.Path}: {bound} {value.ToJsonString()} not shown");
                    }
                }

                foreach (var allowed in field.Schema["enum"]?.AsArray() ?? [])
                {
                    if (!row.Constraints.Contains($"`{allowed}`", StringComparison.Ordinal))
                    {
                        problems.Add($"{kind} {field.Path}: enum value {allowed} not shown");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, $"{RelativePath} does not show the CRDs in crds/ (run: {ApiReference.Command}):\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_readme_links_the_page()
    {
        Assert.Contains("](docs/api-reference.md)", File.ReadAllText(RepositoryRoot.Combine("README.md")), StringComparison.Ordinal);
    }

    /// <summary>Rows of the page by (kind heading, field path).</summary>
    private static Dictionary<(string Kind, string Path), Row> PageRows()
    {
        var rows = new Dictionary<(string, string), Row>();
        var kind = "";
        foreach (var line in File.ReadAllLines(RepositoryRoot.Combine(RelativePath)))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                kind = line[3..].Trim();
            }
            else if (line.StartsWith("| `", StringComparison.Ordinal))
            {
                // Cells are split on '|' not preceded by a backslash (an escaped '|' belongs to a pattern or description).
                var cells = System.Text.RegularExpressions.Regex.Split(line.Trim().Trim('|'), @"(?<!\\)\|").Select(c => c.Trim()).ToList();
                rows[(kind, cells[0].Trim('`'))] = new Row(cells[1], cells[2], cells[3], cells[4]);
            }
        }

        return rows;
    }

    private sealed record Row(string Type, string Required, string Constraints, string Description);
}
