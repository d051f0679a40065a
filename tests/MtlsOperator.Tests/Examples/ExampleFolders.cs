namespace MtlsOperator.Tests.Examples;

/// <summary>The scenario folders under <c>examples/</c>: every directory named <c>NN-name</c> (shared scripts live elsewhere, e.g. <c>lib/</c>).</summary>
internal static class ExampleFolders
{
    public static string Root => RepositoryRoot.Combine("examples");

    public static string PathOf(string name) => Path.Combine(Root, name);

    public static IReadOnlyList<string> Names =>
        Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => n.Length > 3 && char.IsAsciiDigit(n[0]) && char.IsAsciiDigit(n[1]) && n[2] == '-')
            .Order(StringComparer.Ordinal)
            .ToList();
}
