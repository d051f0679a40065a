using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MtlsOperator.Tests.Examples;

namespace MtlsOperator.Tests.Docs;

/// <summary>docs/examples/ has one page per example folder, and each page stays true: the files its commands name exist, its status lines
/// are what <c>render</c> prints for that folder today, and its configuration excerpts are lines of the files it renders.</summary>
public sealed partial class ExamplePagesTests
{
    private const string Folder = "docs/examples";
    private static readonly string[] s_sections = ["## The scenario", "## The manifests", "## Run it", "## What you see", "## Verify it"];

    public static TheoryData<string> Examples => [.. ExampleFolders.Names];

    [Fact]
    public void Every_example_folder_has_a_page_and_every_page_an_example_folder()
    {
        var pages = Directory.GetFiles(RepositoryRoot.Combine(Folder), "*.md").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(p => p != "README").ToHashSet(StringComparer.Ordinal);
        var missing = ExampleFolders.Names.Where(n => !pages.Contains(n)).ToList();
        var orphans = pages.Where(p => !ExampleFolders.Names.Contains(p)).ToList();

        Assert.True(missing.Count == 0, $"examples/ folders without a page: {string.Join(", ", missing)}. Add {Folder}/<folder>.md with the sections " +
            $"{string.Join(", ", s_sections)} (see {Folder}/01-pinned-agent.md), and link it from {Folder}/README.md.");
        Assert.True(orphans.Count == 0, $"pages in {Folder} without an examples/ folder: {string.Join(", ", orphans)}");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_page_has_every_section_and_the_render_command_of_its_folder(string example)
    {
        var page = Page(example);

        Assert.All(s_sections, s => Assert.True(page.Lines.Contains(s), $"{Folder}/{example}.md has no \"{s}\" section"));
        Assert.Contains($"render -f examples/{example}/", page.Text, StringComparison.Ordinal);
        Assert.Contains($"]({Path.GetFileName(example)}.md)", File.ReadAllText(RepositoryRoot.Combine(Folder, "README.md")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_repository_file_a_command_of_the_page_names_exists(string example)
    {
        var named = Page(example).Blocks.Where(b => b.Language == "sh").SelectMany(b => RepositoryPath().Matches(b.Text).Select(m => m.Value.TrimEnd('.', ',', ';', ')')));
        var missing = named.Distinct().Where(p => !File.Exists(RepositoryRoot.Combine(p)) && !Directory.Exists(RepositoryRoot.Combine(p))).ToList();

        Assert.True(missing.Count == 0, $"{Folder}/{example}.md runs commands on files that do not exist: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_status_lines_the_page_shows_are_what_render_prints(string example)
    {
        var rendered = RenderedExample.Of(example);
        var truth = rendered.Resources.Select(StatusLine).Concat(rendered.Stderr.Split('\n').Select(l => l.TrimEnd('\r'))).ToHashSet(StringComparer.Ordinal);
        var shown = Page(example).Blocks.Where(b => b.Section == "## What you see" && b.Language == "text").SelectMany(b => b.Lines).Where(l => l.Length > 0).ToList();

        Assert.NotEmpty(shown);
        var wrong = shown.Where(l => !truth.Contains(l)).ToList();
        Assert.True(wrong.Count == 0, $"{Folder}/{example}.md shows status lines render does not print. Shown:\n{string.Join("\n", wrong)}\nrender prints:\n{string.Join("\n", truth.Where(t => t.Length > 0))}");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void The_configuration_excerpts_the_page_shows_are_lines_of_the_rendered_files(string example)
    {
        var rendered = RenderedExample.Of(example);
        var lines = OutputFiles(rendered).SelectMany(f => f.Split('\n')).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        var excerpts = Page(example).Blocks.Where(b => b.Section == "## What you see" && b.Language is not ("text" or "sh")).ToList();
        var wrong = excerpts.SelectMany(b => b.Lines).Select(l => l.Trim()).Where(l => l.Length > 0 && l != "..." && !lines.Contains(l)).ToList();

        Assert.True(wrong.Count == 0, $"{Folder}/{example}.md quotes configuration lines that render -f examples/{example}/ does not write:\n{string.Join("\n", wrong)}");
    }

    [Fact]
    public void The_readme_links_the_pages()
    {
        Assert.Contains($"]({Folder}/README.md)", File.ReadAllText(RepositoryRoot.Combine("README.md")), StringComparison.Ordinal);
    }

    /// <summary>As the page writes a resource's Ready condition: <c>Kind name: Ready=True Reason: message</c>.</summary>
    private static string StatusLine(JsonNode resource)
    {
        var ready = resource["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == "Ready");
        return $"{resource["kind"]} {resource["metadata"]?["name"]}: Ready={ready?["status"]} {ready?["reason"]}: {ready?["message"]}";
    }

    /// <summary>Every file of every output Secret and ConfigMap the render printed.</summary>
    private static IEnumerable<string> OutputFiles(RenderedExample rendered) =>
        rendered.Documents.Where(d => (string?)d["kind"] is "Secret" or "ConfigMap")
            .SelectMany(d => (d["files"] ?? d["data"])?.AsObject().Select(p => (string?)p.Value ?? "") ?? []);

    private static ExamplePage Page(string example) => ExamplePage.Read(RepositoryRoot.Combine(Folder, example + ".md"));

    [GeneratedRegex(@"(?<![\w/.-])(?:examples|docs|src|charts|tests|crds)/[A-Za-z0-9._/{}-]*")]
    private static partial Regex RepositoryPath();

    /// <summary>A page's lines and fenced code blocks, each with the section it is in and its info string.</summary>
    private sealed record ExamplePage(string Text, IReadOnlyList<string> Lines, IReadOnlyList<Block> Blocks)
    {
        public static ExamplePage Read(string path)
        {
            var text = File.ReadAllText(path);
            var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            var blocks = new List<Block>();
            var section = "";
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i].StartsWith("## ", StringComparison.Ordinal))
                {
                    section = lines[i];
                }
                else if (lines[i].StartsWith("```", StringComparison.Ordinal))
                {
                    var body = lines.Skip(i + 1).TakeWhile(l => !l.StartsWith("```", StringComparison.Ordinal)).ToList();
                    blocks.Add(new Block(section, lines[i][3..].Trim(), body));
                    i += body.Count + 1;
                }
            }

            return new ExamplePage(text, lines, blocks);
        }
    }

    private sealed record Block(string Section, string Language, IReadOnlyList<string> Lines)
    {
        public string Text => string.Join("\n", Lines);
    }
}
