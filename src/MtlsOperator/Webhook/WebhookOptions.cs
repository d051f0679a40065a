using MtlsOperator.Engine.Admission;
using MtlsOperator.Engine.Injection;

namespace MtlsOperator.Webhook;

/// <summary>The mutating admission webhook the operator serves: where, under which names, and what it injects.</summary>
public sealed record WebhookOptions
{
    /// <summary>HTTPS port of <c>/mutate-pods</c>; 0 picks a free port (tests).</summary>
    public int Port { get; init; } = 9443;

    public string Address { get; init; } = "0.0.0.0";

    /// <summary>Namespace of the operator: its serving Secret and Service live here, and its pods are never mutated.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>The Service in front of the webhook port; the serving certificate names it.</summary>
    public string ServiceName { get; init; } = "mtls-operator-webhook";

    /// <summary>The Secret (owned by the operator) holding the webhook's CA and serving certificate.</summary>
    public string SecretName { get; init; } = "mtls-operator-webhook-tls";

    /// <summary>The MutatingWebhookConfiguration whose caBundle the operator keeps current.</summary>
    public string ConfigurationName { get; init; } = "mtls-operator";

    public SidecarSettings Sidecar { get; init; } = SidecarSettings.Default;

    public WebhookCertificateLifetimes Lifetimes { get; init; } = WebhookCertificateLifetimes.Default;

    /// <summary>How often the leader re-checks the serving Secret and caBundle (reads only, unless something is due).</summary>
    public TimeSpan RotationCheckPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often every replica re-reads the serving Secret, so a rotated certificate is served.</summary>
    public TimeSpan ReloadPeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Namespaces whose pods are admitted as sent, whatever they ask for (the selectors exclude them too).</summary>
    public IReadOnlyList<string> SystemNamespaces { get; init; } = ["kube-system", "kube-public", "kube-node-lease"];

    /// <summary>The DNS names the API server may use for the Service.</summary>
    public IReadOnlyList<string> DnsNames =>
        [$"{ServiceName}.{Namespace}.svc", $"{ServiceName}.{Namespace}.svc.cluster.local", $"{ServiceName}.{Namespace}", ServiceName];
}
