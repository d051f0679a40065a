using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MtlsOperator.Crds;

/// <summary>Summaries from a compiled XML documentation file, so CRD descriptions come from the same comments as the C# types.</summary>
internal sealed partial class XmlDocs
{
    private readonly Dictionary<string, string> _summaries;

    private XmlDocs(Dictionary<string, string> summaries) => _summaries = summaries;

    public static XmlDocs For(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            path = Path.Combine(AppContext.BaseDirectory, assembly.GetName().Name + ".xml");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"XML documentation for {assembly.GetName().Name} not found; build with GenerateDocumentationFile.", path);
        }

        var summaries = XDocument.Load(path).Descendants("member")
            .Where(m => m.Element("summary") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => Flatten(m.Element("summary")!));
        return new XmlDocs(summaries);
    }

    public string? Of(Type type) => _summaries.GetValueOrDefault("T:" + type.FullName);

    public string? Of(PropertyInfo property) => _summaries.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}");

    private static string Flatten(XElement summary)
    {
        var text = string.Concat(summary.Nodes().Select(n => n switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" } e => ((string?)e.Attribute("cref"))?.Split('.').Last() ?? (string?)e.Attribute("langword") ?? e.Value,
            XElement e => e.Value,
            _ => "",
        }));
        return Whitespace().Replace(text, " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
