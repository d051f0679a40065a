using System.Text;

namespace MtlsOperator.Engine.Rendering;

/// <summary>Builds config text with <c>\n</c> line ends whatever the platform, so renders are byte-identical everywhere.</summary>
internal sealed class ConfigText
{
    private readonly StringBuilder _text = new();

    public ConfigText Line(string line = "")
    {
        _text.Append(line).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    /// <summary>Text safe inside a one-line <c>#</c> comment of any config syntax: control characters become '?'.</summary>
    public static string ForComment(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
