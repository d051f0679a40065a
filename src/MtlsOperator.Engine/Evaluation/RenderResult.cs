using k8s;
using k8s.Models;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The computed status of one custom resource and whether it is Ready.</summary>
/// <param name="Resource">The resource as given (its status is not modified).</param>
/// <param name="Status">The status the operator would write.</param>
/// <param name="Ready">The Ready condition.</param>
public sealed record ResourceOutcome(IKubernetesObject<V1ObjectMeta> Resource, object Status, V1Condition Ready);

/// <summary>Everything the operator would write for a snapshot: output objects and each resource's status.</summary>
public sealed record RenderResult(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Outputs, IReadOnlyList<ResourceOutcome> Outcomes);
