using System.Text.RegularExpressions;

namespace MtlsOperator.Tests.Docs;

/// <summary>docs/reasons.md read as data: the reasons its tables list (a row whose first cell is one backticked word), and the
/// condition types of its "Condition types" section.</summary>
internal sealed partial class ReasonsPage
{
    public const string RelativePath = "docs/reasons.md";

    private ReasonsPage(IReadOnlySet<string> reasons, IReadOnlySet<string> conditionTypes, IReadOnlyList<string> incompleteRows)
    {
        Reasons = reasons;
        ConditionTypes = conditionTypes;
        IncompleteRows = incompleteRows;
    }

    public IReadOnlySet<string> Reasons { get; }

    public IReadOnlySet<string> ConditionTypes { get; }

    /// <summary>Rows that name a reason but leave a cell (meaning, what to do) empty.</summary>
    public IReadOnlyList<string> IncompleteRows { get; }

    public static ReasonsPage Read() => Parse(File.ReadAllText(RepositoryRoot.Combine(RelativePath)));

    public static ReasonsPage Parse(string markdown)
    {
        var reasons = new SortedSet<string>(StringComparer.Ordinal);
        var types = new SortedSet<string>(StringComparer.Ordinal);
        var incomplete = new List<string>();
        var section = "";
        foreach (var line in markdown.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                section = line[3..].Trim();
                continue;
            }

            if (!line.StartsWith('|'))
            {
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToList();
            if (Word().Match(cells[0]) is not { Success: true } word)
            {
                continue;
            }

            (section == "Condition types" ? types : reasons).Add(word.Groups[1].Value);
            if (cells.Count < 3 || cells.Skip(1).Any(c => c.Length == 0))
            {
                incomplete.Add(line);
            }
        }

        return new ReasonsPage(reasons, types, incomplete);
    }

    [GeneratedRegex("^`([A-Za-z][A-Za-z0-9_,:]*)`$")]
    private static partial Regex Word();
}
