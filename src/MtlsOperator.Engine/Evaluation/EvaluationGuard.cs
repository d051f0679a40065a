using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Turns a spec hole, an input over a limit, or an evaluator bug into <c>Ready=False</c> on the resource itself,
/// so neither <c>render</c> nor the controller ever fails without a status. The previous status is kept otherwise
/// (which generation is live, what was accepted), because the last good output stays.</summary>
public static class EvaluationGuard
{
    /// <summary>A hole in the spec (<see cref="ResourceShape"/>).</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>An input larger than a documented limit (<see cref="InputLimits"/>).</summary>
    public const string LimitExceeded = "LimitExceeded";

    /// <summary>The engine could not evaluate this input; the message names what failed.</summary>
    public const string EvaluationFailed = "EvaluationFailed";

    /// <summary>Runs <paramref name="evaluate"/> unless the spec has a hole; a hole or any failure becomes what <paramref name="failed"/> builds from the conditions.</summary>
    public static T Run<T>(IKubernetesObject<V1ObjectMeta> resource, IReadOnlyList<V1Condition>? previous, DateTimeOffset now, Func<T> evaluate, Func<List<V1Condition>, T> failed)
    {
        string reason, message;
        if (ResourceShape.FirstHole(resource) is { } hole)
        {
            (reason, message) = (InvalidSpec, hole);
        }
        else if (InputLimits.FirstExceeded(resource) is { } exceeded)
        {
            (reason, message) = (LimitExceeded, exceeded);
        }
        else
        {
            try
            {
                return evaluate();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (reason, message) = Describe(e);
            }
        }

        return failed(Conditions(resource, previous, now, reason, message));
    }

    /// <summary>A copy of <paramref name="previous"/> (or a new status), so what it said about the live output stays while the conditions change.</summary>
    public static TStatus Keep<TStatus>(TStatus? previous)
        where TStatus : class, new() =>
        previous is null ? new TStatus() : KubernetesJson.Deserialize<TStatus>(KubernetesJson.Serialize(previous));

    /// <summary>The conditions for a resource that could not be evaluated: <c>Ready=False</c> with <paramref name="reason"/>.</summary>
    private static List<V1Condition> Conditions(IKubernetesObject<V1ObjectMeta> resource, IReadOnlyList<V1Condition>? previous, DateTimeOffset now, string reason, string message) =>
        new ConditionSet(previous, resource.Metadata.Generation, now).Set(ConditionTypes.Ready, false, reason, message).Build();

    /// <summary>Why evaluation failed, as one line for status: the limit's own message, or the failing step without a stack trace.</summary>
    public static (string Reason, string Message) Describe(Exception e) => e switch
    {
        InputLimitException limit => (LimitExceeded, limit.Message),
        _ => (EvaluationFailed, $"the engine could not evaluate this resource ({e.GetType().Name}: {OneLine(e.Message)}); " +
            "check the certificates and values it references, and report this message if they are valid."),
    };

    private static string OneLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
