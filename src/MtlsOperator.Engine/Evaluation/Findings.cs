using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Problems found while evaluating one resource, each marked as blocking (Ready=False, last good output stays) or not.</summary>
internal sealed class Findings
{
    private readonly List<(Problem Problem, bool Blocking)> _items = [];

    public void Add(string entry, string reason, string message, bool blocking) =>
        _items.Add((new Problem { Entry = entry, Reason = reason, Message = ConditionLimits.Message(message) }, blocking));

    public bool HasBlocking => _items.Any(i => i.Blocking);

    public List<Problem> Problems => [.. _items.Select(i => i.Problem)];

    /// <summary>The first blocking problem's reason, and its message followed by a pointer to the rest.</summary>
    public (string Reason, string Message) BlockingSummary()
    {
        var first = _items.First(i => i.Blocking).Problem;
        var more = _items.Count - 1;
        var tail = more == 0 ? "" : $" ({more} more problem{(more == 1 ? "" : "s")} in status.problems.)";
        return (first.Reason, first.Message + tail);
    }
}
