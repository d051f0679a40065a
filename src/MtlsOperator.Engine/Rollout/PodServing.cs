using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Engine.Rollout;

/// <summary>What one injected pod's sidecar last reported, or null when it could not be asked.</summary>
/// <param name="Pod">The pod's name, for messages.</param>
/// <param name="Report">The sidecar's <c>GET /status</c>; null when the pod is not running, has no IP or did not answer.</param>
public sealed record PodServing(string Pod, SidecarReport? Report);
