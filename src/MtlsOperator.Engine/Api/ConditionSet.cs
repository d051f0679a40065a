using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>Builds KEP-1623 conditions, keeping <c>lastTransitionTime</c> from the previous status when the status value did not change.</summary>
public sealed class ConditionSet
{
    private readonly IReadOnlyList<V1Condition> _previous;
    private readonly long? _generation;
    private readonly DateTime _now;
    private readonly List<V1Condition> _conditions = [];

    public ConditionSet(IReadOnlyList<V1Condition>? previous, long? observedGeneration, DateTimeOffset now)
    {
        _previous = previous ?? [];
        _generation = observedGeneration;
        // Kubernetes serializes metav1.Time at second precision; keeping sub-seconds would make every status look changed.
        _now = DateTime.SpecifyKind(new DateTime(now.UtcDateTime.Ticks - (now.UtcDateTime.Ticks % TimeSpan.TicksPerSecond)), DateTimeKind.Utc);
    }

    /// <summary>Sets (or replaces) one condition; reason and message are bounded as metav1.Condition requires (<see cref="ConditionLimits"/>).</summary>
    public ConditionSet Set(string type, bool status, string reason, string message)
    {
        var value = status ? "True" : "False";
        // The previous conditions are whatever the status held: anyone who may write the status subresource may leave nulls there.
        var before = _previous.FirstOrDefault(c => c?.Type == type);
        var since = before is not null && before.Status == value && before.LastTransitionTime is { } t ? t : _now;
        _conditions.RemoveAll(c => c.Type == type);
        _conditions.Add(new V1Condition
        {
            Type = type,
            Status = value,
            Reason = ConditionLimits.Reason(reason),
            Message = ConditionLimits.Message(message),
            ObservedGeneration = _generation,
            LastTransitionTime = since,
        });
        return this;
    }

    /// <summary>The conditions in the order they were set, <c>Ready</c> first when present.</summary>
    public List<V1Condition> Build() =>
        [.. _conditions.Where(c => c.Type == ConditionTypes.Ready), .. _conditions.Where(c => c.Type != ConditionTypes.Ready)];

    /// <summary>Whether two condition lists say the same (type, status, reason, message, observed generation), in any order:
    /// a status whose conditions are the same as before changed only in what it reports of the outputs.</summary>
    public static bool Same(IReadOnlyList<V1Condition>? before, IReadOnlyList<V1Condition> after)
    {
        var previous = before ?? [];
        return previous.Count == after.Count && after.All(a => previous.Any(b =>
            b is not null && b.Type == a.Type && b.Status == a.Status && b.Reason == a.Reason && b.Message == a.Message && b.ObservedGeneration == a.ObservedGeneration));
    }
}
