using System.Text.Json.Nodes;

namespace MtlsOperator.Engine.Injection;

/// <summary>Where a workload keeps the pod it runs: the Pod itself, <c>spec.template</c>, or a CronJob's job template.</summary>
public static class PodTemplates
{
    /// <summary>The pod (template) object inside <paramref name="workload"/>, or null for kinds that run no pods.</summary>
    public static JsonObject? Of(JsonObject workload)
    {
        var kind = (string?)workload["kind"];
        var apiVersion = (string?)workload["apiVersion"];
        return (apiVersion, kind) switch
        {
            ("v1", "Pod") => workload,
            ("v1", "ReplicationController") or ("apps/v1", "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet") or ("batch/v1", "Job")
                => workload["spec"]?["template"] as JsonObject,
            ("batch/v1", "CronJob") => workload["spec"]?["jobTemplate"]?["spec"]?["template"] as JsonObject,
            _ => null,
        };
    }
}
