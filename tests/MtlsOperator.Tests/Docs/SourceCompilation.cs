using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MtlsOperator.Tests.Docs;

/// <summary>The operator's own sources under <c>src/</c> compiled by Roslyn in one compilation, so a test can ask what flows where
/// (which constants reach a status reason) without running anything.</summary>
internal static class SourceCompilation
{
    private static readonly Lazy<CSharpCompilation> Shared = new(Build);

    /// <summary>Every <c>.cs</c> file of <c>src/</c> (not <c>bin/</c> or <c>obj/</c>), with the SDK's implicit usings.</summary>
    public static CSharpCompilation Sources => Shared.Value;

    /// <summary>A path relative to the repository, with forward slashes, for messages.</summary>
    public static string Relative(Location location)
    {
        var span = location.GetLineSpan();
        var path = Path.GetRelativePath(RepositoryRoot.Path, span.Path).Replace('\\', '/');
        return $"{path}:{span.StartLinePosition.Line + 1}";
    }

    /// <summary>Diagnostics that mean the compilation may not see what the build sees. Partial methods implemented by the build's source
    /// generators (<c>[GeneratedRegex]</c>, CS8795) are expected: the generators do not run here, and no reason flows through them.</summary>
    public static IReadOnlyList<Diagnostic> Errors(Compilation compilation) =>
        [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795")];

    /// <summary>A compilation of <paramref name="sources"/> (file name, text) against the same references, for tests of the analysis itself.</summary>
    public static CSharpCompilation Of(IEnumerable<(string Path, string Text)> sources) =>
        Create(sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)));

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    // The framework the tests run on plus the packages the sources use (copied next to the test assembly), but not the operator's own
    // assemblies: their types come from the sources.
    private static readonly Lazy<List<MetadataReference>> References = new(() =>
    {
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var packages = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => !Path.GetFileName(f).StartsWith("MtlsOperator", StringComparison.Ordinal) && Path.GetFileName(f) != "mtls-operator.dll");
        return [.. platform.Concat(packages)
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))];
    });

    private static CSharpCompilation Build()
    {
        var root = RepositoryRoot.Combine("src");
        return Create(Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), ParseOptions, f)));
    }

    private static CSharpCompilation Create(IEnumerable<SyntaxTree> sources)
    {
        var trees = sources.Append(CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, "ImplicitUsings.g.cs")).ToList();

        return CSharpCompilation.Create(
            "MtlsOperatorSources",
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    // What <ImplicitUsings>enable</ImplicitUsings> adds for Microsoft.NET.Sdk (Directory.Build.props turns it on everywhere).
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;
}
