using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Issuance;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Envoy;
using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The engine's front door: evaluates each kind, and a whole snapshot in dependency order.</summary>
public sealed class TrustEngine
{
    private readonly TrustBundleEvaluator _bundles = new();
    private readonly ServerCertificateEvaluator _certificates = new();
    private readonly ClientAuthPolicyEvaluator _policies = new();
    private readonly MtlsListenerEvaluator _listeners;
    private readonly ClientCertificateAuthorityEvaluator _authorities = new();
    private readonly IssuedClientCertificateEvaluator _issued = new();
    private readonly ClientCertificateRevocationEvaluator _revocations = new();

    public TrustEngine()
        : this([new EnvoyRenderer(), new HaproxyRenderer(), new NginxRenderer()])
    {
    }

    /// <param name="shared">Where listeners' evaluations of the policies they share are remembered (the controller's); null: none.</param>
    public TrustEngine(SharedEvaluations? shared)
        : this([new EnvoyRenderer(), new HaproxyRenderer(), new NginxRenderer()], shared)
    {
    }

    private readonly SharedEvaluations? _shared;

    public TrustEngine(IEnumerable<IProxyRenderer> renderers, SharedEvaluations? shared = null)
    {
        _shared = shared;
        _listeners = new MtlsListenerEvaluator(
            shared is null ? EvaluateCertificate : (certificate, context) => shared.Certificate(certificate, context, EvaluateCertificate),
            shared is null ? Evaluate : (policy, context) => shared.Policy(policy, context, Evaluate),
            renderers,
            Evaluate);
    }

    // Every front door is guarded (EvaluationGuard): a resource that cannot be evaluated gets Ready=False with the reason, and a
    // listener sees its failed certificate or policy as not ready, like any other unusable dependency. Each ends by deriving
    // Stalled and Reconciling from Ready (HealthConditions), so every kind reports them alike, and by cutting the status to
    // the CRD's bounds (StatusBounds), so the API server never refuses it for size.
    public TrustBundleEvaluation Evaluate(TrustBundle bundle, EvaluationContext context)
        => Guarded(bundle, bundle.Status, context.Now,
            () => GuardOutput(_bundles.Evaluate(bundle, context), bundle, context),
            failed => new TrustBundleEvaluation(failed, null, null), r => r.Status);

    /// <summary>Its key Secret's and pins ConfigMap's ownership is checked by the evaluator itself, since it also decides whether to reuse them.</summary>
    public ServerCertificateEvaluation Evaluate(ServerCertificate certificate, EvaluationContext context) =>
        _shared is not null && context.AllowBootstrapGeneration
            ? _shared.OwnCertificate(certificate, context, EvaluateCertificate)
            : EvaluateCertificate(certificate, context);

    private ServerCertificateEvaluation EvaluateCertificate(ServerCertificate certificate, EvaluationContext context)
        => Guarded(certificate, certificate.Status, context.Now,
            () => _certificates.Evaluate(certificate, context),
            failed => new ServerCertificateEvaluation(failed, null, null, null), r => r.Status);

    public ClientAuthPolicyEvaluation Evaluate(ClientAuthPolicy policy, EvaluationContext context)
        => Guarded(policy, policy.Status, context.Now,
            () => _policies.Evaluate(policy, context),
            failed => new ClientAuthPolicyEvaluation(failed, null), r => r.Status);

    public MtlsListenerEvaluation Evaluate(MtlsListener listener, EvaluationContext context)
        => Guarded(listener, listener.Status, context.Now,
            () => _listeners.Evaluate(listener, context),
            failed => new MtlsListenerEvaluation(failed, null), r => r.Status);

    public ClientCertificateAuthorityEvaluation Evaluate(ClientCertificateAuthority authority, EvaluationContext context)
        => Guarded(authority, authority.Status, context.Now,
            () => _authorities.Evaluate(authority, context),
            failed => new ClientCertificateAuthorityEvaluation(failed, null, null), r => r.Status);

    public IssuedClientCertificateEvaluation Evaluate(IssuedClientCertificate certificate, EvaluationContext context)
        => Guarded(certificate, certificate.Status, context.Now,
            () => _issued.Evaluate(certificate, context),
            failed => new IssuedClientCertificateEvaluation(failed, null), r => r.Status);

    public ClientCertificateRevocationEvaluation Evaluate(ClientCertificateRevocation revocation, EvaluationContext context)
        => Guarded(revocation, revocation.Status, context.Now,
            () => _revocations.Evaluate(revocation, context),
            failed => new ClientCertificateRevocationEvaluation(failed, null), r => r.Status);

    /// <summary>Evaluates every resource of a snapshot as the controller would converge on it: certificates first (their generated key
    /// Secrets and pins ConfigMaps join the world), so listeners can use them.</summary>
    /// <param name="crlDownloads">CRLs the shell fetched for the bundles' URLs; none when null.</param>
    public RenderResult EvaluateAll(ResourceSnapshot snapshot, DateTimeOffset now, CrlDistribution.ICrlDownloads? crlDownloads = null)
    {
        EvaluationContext ContextOf(IResourceLookup lookup) =>
            crlDownloads is null ? new EvaluationContext(lookup, now) : new EvaluationContext(lookup, now) { CrlDownloads = crlDownloads };

        var outputs = new List<IKubernetesObject<V1ObjectMeta>>();
        var outcomes = new List<ResourceOutcome>();
        (snapshot, var issuance) = EvaluateIssuance(snapshot, now, outputs);
        outcomes.AddRange(issuance);

        var bootstrapped = new List<IKubernetesObject<V1ObjectMeta>>();
        var certificateResults = snapshot.OfType<ServerCertificate>()
            .Select(c => (c, Result: Evaluate(c, ContextOf(snapshot))))
            .ToList();
        foreach (var (_, result) in certificateResults)
        {
            bootstrapped.AddRange(result.Outputs);
        }

        var world = snapshot.With(bootstrapped);
        var context = ContextOf(world);
        outputs.AddRange(bootstrapped);
        outcomes.AddRange(certificateResults.Select(x => Outcome(x.c, x.Result.Status, x.Result.Status.Conditions)));

        foreach (var bundle in world.OfType<TrustBundle>())
        {
            var result = Evaluate(bundle, context);
            if (result.Output is { } o)
            {
                outputs.Add(o);
            }

            outcomes.Add(Outcome(bundle, result.Status, result.Status.Conditions));
        }

        foreach (var policy in world.OfType<ClientAuthPolicy>())
        {
            var result = Evaluate(policy, context);
            outcomes.Add(Outcome(policy, result.Status, result.Status.Conditions));
        }

        foreach (var listener in world.OfType<MtlsListener>())
        {
            var result = Evaluate(listener, context);
            if (result.Output is { } o)
            {
                outputs.Add(o);
            }

            outcomes.Add(Outcome(listener, result.Status, result.Status.Conditions));
        }

        return new RenderResult(outputs, outcomes);
    }

    /// <summary>Issued certificates (their Secrets), then CAs (their CRLs, which read those Secrets and the revocations), then the issued
    /// certificates' and revocations' statuses, which say whether a revocation reached the CRL.</summary>
    private (ResourceSnapshot World, List<ResourceOutcome> Outcomes) EvaluateIssuance(ResourceSnapshot snapshot, DateTimeOffset now, List<IKubernetesObject<V1ObjectMeta>> outputs)
    {
        var issued = snapshot.OfType<IssuedClientCertificate>().ToList();
        var secrets = issued.Select(c => Evaluate(c, new EvaluationContext(snapshot, now)).Output).OfType<V1Secret>().ToList();
        var world = snapshot.With(secrets);
        var outcomes = new List<ResourceOutcome>();
        var crls = new List<V1ConfigMap>();
        foreach (var authority in world.OfType<ClientCertificateAuthority>())
        {
            var result = Evaluate(authority, new EvaluationContext(world, now));
            if (result.Output is { } o)
            {
                crls.Add(o);
            }

            outcomes.Add(Outcome(authority, result.Status, result.Status.Conditions));
        }

        world = world.With(crls);
        foreach (var certificate in issued)
        {
            var result = Evaluate(certificate, new EvaluationContext(world, now));
            outcomes.Add(Outcome(certificate, result.Status, result.Status.Conditions));
        }

        foreach (var revocation in world.OfType<ClientCertificateRevocation>())
        {
            var result = Evaluate(revocation, new EvaluationContext(world, now));
            outcomes.Add(Outcome(revocation, result.Status, result.Status.Conditions));
        }

        outputs.AddRange(secrets);
        outputs.AddRange(crls);
        return (world, outcomes);
    }

    /// <summary>The guard every front door shares: an evaluation that cannot be made becomes Ready=False with the reason (the
    /// previous status kept), then Stalled and Reconciling are derived from Ready and the status is cut to the CRD's bounds.</summary>
    private static TResult Guarded<TStatus, TResult>(IKubernetesObject<V1ObjectMeta> resource, TStatus? previous, DateTimeOffset now,
        Func<TResult> evaluate, Func<TStatus, TResult> failed, Func<TResult, TStatus> statusOf)
        where TStatus : class, IResourceStatus, new()
    {
        var result = EvaluationGuard.Run(resource, previous?.Conditions, now, evaluate, conditions => failed(Failed(previous, resource, conditions)));
        var status = statusOf(result);
        status.Conditions = HealthConditions.Complete(status.Conditions, previous?.Conditions, now);
        StatusBounds.Clamp(status);
        return result;
    }

    private static TStatus Failed<TStatus>(TStatus? previous, IKubernetesObject<V1ObjectMeta> resource, List<V1Condition> conditions)
        where TStatus : class, IResourceStatus, new()
    {
        var status = EvaluationGuard.Keep(previous);
        status.ObservedGeneration = resource.Metadata.Generation;
        status.Conditions = conditions;
        return status;
    }

    private static ResourceOutcome Outcome(IKubernetesObject<V1ObjectMeta> resource, object status, List<V1Condition> conditions) =>
        new(resource, status, conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready)
            ?? new V1Condition { Type = ConditionTypes.Ready, Status = "Unknown", Reason = "NotEvaluated", Message = "No Ready condition was computed." });

    /// <summary>The bundle evaluator renders its ConfigMap without looking at what holds that name now; this is where a foreign one stops it.</summary>
    private static TrustBundleEvaluation GuardOutput(TrustBundleEvaluation result, TrustBundle owner, EvaluationContext context)
    {
        if (result.Output is not { } output || Conflict(context.Lookup.FindConfigMap(output.Metadata.NamespaceProperty, output.Metadata.Name)?.Metadata, owner) is not { } message)
        {
            return result;
        }

        result.Status.Conditions = new ConditionSet(owner.Status?.Conditions, owner.Metadata.Generation, context.Now)
            .Set(ConditionTypes.Ready, false, ListenerReasons.OutputConflict, $"ConfigMap {output.Metadata.Name} {message}")
            .Build();
        return result with { Output = null, Anchors = null };
    }

    private static string? Conflict(V1ObjectMeta? existing, IKubernetesObject<V1ObjectMeta> owner) =>
        existing is not null && !OutputOwnership.IsOwnedBy(existing, owner)
            ? $"exists and is not managed by {owner.Kind} {owner.Metadata.Name}; the operator will not overwrite it. Delete or rename it."
            : null;
}
