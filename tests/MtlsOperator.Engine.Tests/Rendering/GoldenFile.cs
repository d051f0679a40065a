using System.Runtime.CompilerServices;
using System.Text;

namespace MtlsOperator.Engine.Tests.Rendering;

/// <summary>Compares rendered text with <c>Golden/&lt;name&gt;.golden</c>; with <c>UPDATE_GOLDEN=1</c> rewrites the source copy instead.</summary>
internal static class GoldenFile
{
    public static void Verify(string name, IReadOnlyDictionary<string, string> files, [CallerFilePath] string callerFile = "")
    {
        var actual = new StringBuilder();
        foreach (var (key, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            actual.Append("==> ").Append(key).Append(" <==\n").Append(content);
        }

        var fileName = name + ".golden";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(Path.GetDirectoryName(callerFile)!, "Golden", fileName);
            File.WriteAllText(source, actual.ToString());
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "Rendering", "Golden", fileName);
        Assert.True(File.Exists(path), $"{fileName} is missing; run the tests with UPDATE_GOLDEN=1 and review the new file.");
        Assert.Equal(File.ReadAllText(path), actual.ToString());
    }
}
