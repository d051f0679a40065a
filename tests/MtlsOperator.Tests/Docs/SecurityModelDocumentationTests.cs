using System.Text.RegularExpressions;
using MtlsOperator.Tests.Chart;

namespace MtlsOperator.Tests.Docs;

/// <summary>docs/security-model.md's table of what the operator can read and write is the chart's RBAC, grant for grant.</summary>
public sealed partial class SecurityModelDocumentationTests
{
    private const string RelativePath = "docs/security-model.md";
    private const string Section = "## What the operator can read and write";

    [Fact]
    public void The_table_of_what_the_operator_can_read_and_write_lists_exactly_the_charts_grants()
    {
        var granted = ChartRbac.Load("mtls-system")
            .SelectMany(g => g.Rules)
            .SelectMany(r => r.ApiGroups.SelectMany(group => r.Resources.SelectMany(resource => r.Verbs.Select(verb =>
                new Grant(group, resource, verb, r.ResourceNames.Count > 0)))))
            .ToHashSet();
        var documented = DocumentedGrants();

        var undocumented = granted.Except(documented).Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList();
        var notGranted = documented.Except(granted).Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList();

        Assert.True(undocumented.Count == 0 && notGranted.Count == 0,
            $"{RelativePath} \"{Section[3..]}\" differs from the chart's RBAC (charts/mtls-operator/templates). Granted but not in the table: " +
            $"{string.Join("; ", undocumented)}. In the table but not granted: {string.Join("; ", notGranted)}. A row is " +
            "| `group` or core | `resource` (name ...) when limited by resourceNames | verb, verb | scope | why |.");
    }

    [Fact]
    public void The_chart_grants_no_delete_so_outputs_go_only_through_garbage_collection_as_the_page_says()
    {
        var verbs = ChartRbac.Load("mtls-system").SelectMany(g => g.Rules).SelectMany(r => r.Verbs).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain("delete", verbs);
        Assert.DoesNotContain("deletecollection", verbs);
        Assert.DoesNotContain("*", verbs);
        Assert.Contains("**no delete verb**", File.ReadAllText(RepositoryRoot.Combine(RelativePath)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_links_the_page()
    {
        Assert.Contains("](docs/security-model.md)", File.ReadAllText(RepositoryRoot.Combine("README.md")), StringComparison.Ordinal);
    }

    private static HashSet<Grant> DocumentedGrants()
    {
        var lines = File.ReadAllLines(RepositoryRoot.Combine(RelativePath));
        var start = Array.IndexOf(lines, Section);
        Assert.True(start >= 0, $"{RelativePath} has no section \"{Section}\"");
        var grants = new HashSet<Grant>();
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)).Where(l => l.StartsWith("| ", StringComparison.Ordinal)))
        {
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();
            if (cells[0] is "API group" || cells[0].StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            var group = cells[0] == "core" ? "" : cells[0].Trim('`');
            var resource = FirstCode().Match(cells[1]).Groups[1].Value;
            var named = cells[1].Contains('(', StringComparison.Ordinal);
            foreach (var verb in cells[2].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                grants.Add(new Grant(group, resource, verb, named));
            }
        }

        return grants;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex FirstCode();

    private sealed record Grant(string Group, string Resource, string Verb, bool LimitedByName)
    {
        public override string ToString() => $"{(Group.Length == 0 ? "core" : Group)} {Resource}{(LimitedByName ? " (by name)" : "")} {Verb}";
    }
}
