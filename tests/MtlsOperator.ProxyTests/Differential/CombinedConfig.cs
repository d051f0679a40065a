using System.Text;
using System.Text.RegularExpressions;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>Joins several rendered listener configurations into one, so one proxy process serves a whole batch of cases (each on
/// its own port). Only names are changed: HAProxy section names and nginx map variables get a per-case suffix; the process-wide
/// parts (HAProxy global/defaults, nginx's top level and http-level directives) come from the first case.</summary>
public static partial class CombinedConfig
{
    /// <summary>One haproxy.cfg from several.</summary>
    public static string Haproxy(IReadOnlyList<string> configs)
    {
        var combined = new StringBuilder();
        for (var i = 0; i < configs.Count; i++)
        {
            var sections = HaproxySections(configs[i]);
            var names = sections.Select(s => s.Header.Split(' ', 2)).Where(h => h.Length == 2 && h[0] is "frontend" or "backend" or "listen")
                .Select(h => h[1].Trim()).ToList();
            foreach (var (header, body) in sections)
            {
                var keyword = header.Split(' ')[0];
                if (keyword is "global" or "defaults")
                {
                    if (i == 0)
                    {
                        combined.Append(header).Append('\n');
                        if (keyword == "global")
                        {
                            // HAProxy binds with SO_REUSEPORT by default: a port taken meanwhile by another process (or test) would
                            // then be shared silently instead of failing the start, and clients would reach someone else's frontend.
                            combined.Append("    noreuseport\n");
                        }

                        combined.Append(body);
                    }

                    continue;
                }

                var text = header + "\n" + body;
                foreach (var name in names)
                {
                    text = Regex.Replace(text, $@"(?<=^(frontend|backend|listen) |default_backend |use_backend ){Regex.Escape(name)}\b", $"{name}_c{i}", RegexOptions.Multiline);
                }

                combined.Append(text);
            }
        }

        return combined.ToString();
    }

    /// <summary>One nginx.conf from several: the first case's frame, then every case's maps and servers.</summary>
    public static string Nginx(IReadOnlyList<string> configs)
    {
        var (before, httpDirectives, _, after) = NginxParts(configs[0]);
        var combined = new StringBuilder(before);
        combined.Append("http {\n").Append(httpDirectives);
        for (var i = 0; i < configs.Count; i++)
        {
            var (_, _, blocks, _) = NginxParts(configs[i]);
            var variables = blocks.SelectMany(b => MapVariable().Matches(b).Select(m => m.Groups[1].Value)).Distinct().OrderByDescending(v => v.Length).ToList();
            foreach (var block in blocks)
            {
                var text = block;
                foreach (var variable in variables)
                {
                    text = Regex.Replace(text, $@"\${Regex.Escape(variable)}\b", $"${variable}_c{i}");
                }

                combined.Append(text);
            }
        }

        return combined.Append("}\n").Append(after).ToString();
    }

    private static List<(string Header, string Body)> HaproxySections(string config)
    {
        var sections = new List<(string, string)>();
        string? header = null;
        var body = new StringBuilder();
        foreach (var line in config.Split('\n'))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && line[0] != '#')
            {
                if (header is not null)
                {
                    sections.Add((header, body.ToString()));
                }

                header = line;
                body.Clear();
            }
            else if (header is not null)
            {
                body.Append(line).Append('\n');
            }
        }

        if (header is not null)
        {
            sections.Add((header, body.ToString()));
        }

        return sections;
    }

    /// <summary>Text before <c>http {</c>, the http-level simple directives, the http-level blocks, and text after the http block.
    /// The renderer writes one statement per line, blocks opened at a line's end and closed on a line of their own.</summary>
    private static (string Before, string Directives, List<string> Blocks, string After) NginxParts(string config)
    {
        var lines = config.Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == "http {");
        var before = string.Join('\n', lines[..start]) + "\n";
        var directives = new StringBuilder();
        var blocks = new List<string>();
        var depth = 0;
        var block = new StringBuilder();
        var end = start + 1;
        for (; end < lines.Length; end++)
        {
            var line = lines[end];
            var trimmed = line.Trim();
            if (depth == 0 && trimmed == "}")
            {
                break;
            }

            if (depth == 0 && !trimmed.EndsWith('{'))
            {
                directives.Append(line).Append('\n');
                continue;
            }

            block.Append(line).Append('\n');
            depth += trimmed.EndsWith('{') ? 1 : 0;
            depth -= trimmed == "}" ? 1 : 0;
            if (depth == 0)
            {
                blocks.Add(block.ToString());
                block.Clear();
            }
        }

        return (before, directives.ToString(), blocks, string.Join('\n', lines[(end + 1)..]));
    }

    [GeneratedRegex(@"^\s*map\s+\S+\s+\$(\w+)\s*\{", RegexOptions.Multiline)]
    private static partial Regex MapVariable();
}
