using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Serving;
using MtlsOperator.Engine.UpstreamTls;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Composes a listener from its server certificates and client policy and renders the one output Secret a sidecar mounts.</summary>
public sealed class MtlsListenerEvaluator
{
    /// <summary>Strongest hash first: when a pinned certificate offers several forms, the proxy enforces the best it supports.</summary>
    private static readonly PinAlgorithm[] s_pinPreference = [PinAlgorithm.Sha256, PinAlgorithm.SpkiSha256, PinAlgorithm.Sha1];

    private readonly Func<ServerCertificate, EvaluationContext, ServerCertificateEvaluation> _evaluateServerCertificate;
    private readonly Func<ClientAuthPolicy, EvaluationContext, ClientAuthPolicyEvaluation> _evaluatePolicy;
    private readonly ImmutableDictionary<ProxyFlavor, IProxyRenderer> _renderers;
    private readonly Func<TrustBundle, EvaluationContext, TrustBundleEvaluation> _evaluateBundle;

    public MtlsListenerEvaluator(
        Func<ServerCertificate, EvaluationContext, ServerCertificateEvaluation> evaluateServerCertificate,
        Func<ClientAuthPolicy, EvaluationContext, ClientAuthPolicyEvaluation> evaluatePolicy,
        IEnumerable<IProxyRenderer> renderers,
        Func<TrustBundle, EvaluationContext, TrustBundleEvaluation>? evaluateBundle = null)
    {
        _evaluateServerCertificate = evaluateServerCertificate;
        _evaluatePolicy = evaluatePolicy;
        _renderers = renderers.ToImmutableDictionary(r => r.Flavor);
        _evaluateBundle = evaluateBundle ?? new TrustBundleEvaluator().Evaluate;
    }

    public MtlsListenerEvaluation Evaluate(MtlsListener listener, EvaluationContext context)
    {
        var ns = listener.Metadata.NamespaceProperty ?? "default";
        var outputName = ListenerSpecDefaults.OutputSecretName(listener);
        var existing = context.Lookup.FindSecret(ns, outputName);
        var status = new MtlsListenerStatus { ObservedGeneration = listener.Metadata.Generation, OutputSecret = outputName };
        var conditions = new ConditionSet(listener.Status?.Conditions, listener.Metadata.Generation, context.Now);

        if (existing is not null && !OutputOwnership.IsOwnedBy(existing.Metadata, listener))
        {
            conditions.Set(ConditionTypes.Ready, false, ListenerReasons.OutputConflict,
                $"Secret {ns}/{outputName} exists and is not managed by this MtlsListener; the operator will not overwrite it. " +
                "Delete or rename that Secret, or set spec.outputSecretName to another name.");
            status.Conditions = conditions.Build();
            return new MtlsListenerEvaluation(status, null);
        }

        var liveGeneration = existing is null ? null : OutputOwnership.GenerationOf(existing.Metadata);
        UpstreamTlsResolver.SetVerification(conditions, listener.Spec);

        var rendered = Render(listener, ns, outputName, context, status);
        if (rendered.Failure is { } failure)
        {
            var live = liveGeneration is { } g
                ? $" The output Secret still holds generation {g.ToString(CultureInfo.InvariantCulture)}."
                : " No output has been written yet.";
            conditions.Set(ConditionTypes.Ready, false, failure.Reason, failure.Message + live);
            status.LiveGeneration = liveGeneration;
            // The last good output stays mounted: that is what sidecars should still serve.
            status.ContentHash = existing is null ? null : context.Lookup.ContentHashOf(existing);
            status.Conditions = conditions.Build();
            return new MtlsListenerEvaluation(status, null);
        }

        status.LiveGeneration = listener.Metadata.Generation;
        status.ContentHash = OutputContentHash.Of(rendered.Output!.Data);
        conditions.Set(ConditionTypes.Ready, true, ListenerReasons.Rendered,
            $"Rendered {listener.Spec.Proxy} configuration into Secret {outputName}.");
        status.Conditions = conditions.Build();
        return new MtlsListenerEvaluation(status, rendered.Output);
    }

    private (V1Secret? Output, ListenerFailure? Failure) Render(
        MtlsListener listener, string ns, string outputName, EvaluationContext context, MtlsListenerStatus status)
    {
        var spec = listener.Spec;
        // By name only: Enum.TryParse would also take "1".
        var flavor = Enum.GetValues<ProxyFlavor>().FirstOrDefault(f => string.Equals(f.ToString(), spec.Proxy, StringComparison.OrdinalIgnoreCase), (ProxyFlavor)(-1));
        if (!_renderers.TryGetValue(flavor, out var renderer))
        {
            return Fail(ListenerReasons.UnknownProxy, $"spec.proxy \"{spec.Proxy}\" is not one of Envoy, HAProxy, Nginx.");
        }

        if (ValidateShape(listener) is { } invalid)
        {
            return (null, invalid);
        }

        if (FindCrossNamespace(listener, ns) is { } cross)
        {
            return (null, cross);
        }

        var (upstreamTls, upstreamFailure) = UpstreamTlsResolver.Resolve(spec, ns, context, _evaluateBundle);
        if (upstreamFailure is not null)
        {
            return (null, upstreamFailure);
        }

        var policy = context.Lookup.FindClientAuthPolicy(ns, spec.ClientAuthPolicyRef.Name);
        if (policy is null)
        {
            return Fail(ListenerReasons.ClientAuthPolicyNotFound, $"ClientAuthPolicy {ns}/{spec.ClientAuthPolicyRef.Name} does not exist.");
        }

        var policyResult = _evaluatePolicy(policy, context);
        if (policyResult.Admission is not { } admission)
        {
            return Fail(ListenerReasons.ClientAuthPolicyNotReady,
                $"ClientAuthPolicy {policy.Metadata.Name} is not ready: {ReadyMessage(policyResult.Status.Conditions)}");
        }

        var consumerContext = context with { AllowBootstrapGeneration = false };
        var identities = new List<ServerIdentity>();
        foreach (var reference in spec.ServerCertificateRefs)
        {
            var certificate = context.Lookup.FindServerCertificate(ns, reference.Name);
            if (certificate is null)
            {
                return Fail(ListenerReasons.ServerCertificateNotFound, $"ServerCertificate {ns}/{reference.Name} does not exist.");
            }

            var result = _evaluateServerCertificate(certificate, consumerContext);
            if (result.Identity is not { } identity)
            {
                return Fail(ListenerReasons.ServerCertificateNotReady,
                    $"ServerCertificate {reference.Name} is not ready: {ReadyMessage(result.Status.Conditions)}");
            }

            identities.Add(identity);
        }

        var duplicate = identities.SelectMany(i => i.Hostnames.Select(h => (Host: h.ToLowerInvariant(), i.Name)))
            .GroupBy(x => x.Host).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return Fail(ListenerReasons.DuplicateHostname,
                $"Hostname {duplicate.Key} is declared by several server certificates ({string.Join(", ", duplicate.Select(d => d.Name))}); SNI could not choose. Declare each hostname once.");
        }

        if (ChoosePinForms(admission.Pins, renderer, flavor, policy.Metadata.Name, out var unenforceable) is not { } pins)
        {
            return (null, unenforceable);
        }

        var paths = ImmutableArray.CreateBuilder<PathScope>();
        foreach (var path in admission.Paths)
        {
            if (ChoosePinForms(path.Pins, renderer, flavor, policy.Metadata.Name, out unenforceable) is not { } pathPins)
            {
                return (null, unenforceable);
            }

            paths.Add(new PathScope(path.Prefix, pathPins, path.Rules));
        }

        status.Expires = identities.Min(i => i.NotAfter).UtcDateTime;
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var certificateFiles = ImmutableArray.CreateBuilder<ServerCertificateFiles>();
        for (var i = 0; i < identities.Count; i++)
        {
            var stem = ServerCertificateFiles.StemOf(i, identities[i].Name);
            certificateFiles.Add(new ServerCertificateFiles(identities[i].Name, identities[i].Hostnames, stem + ".crt", stem + ".key"));
            files[stem + ".crt"] = identities[i].ChainPem;
            files[stem + ".key"] = identities[i].KeyPem;
        }

        files["ca.crt"] = admission.CaBundlePem;
        foreach (var (key, content) in upstreamTls?.Files ?? ImmutableSortedDictionary<string, string>.Empty)
        {
            files[key] = content;
        }

        if (admission.CrlPem is not null)
        {
            files["ca.crl"] = admission.CrlPem;
        }

        var model = new ListenerRenderModel(
            ns,
            listener.Metadata.Name,
            spec.ListenPort,
            string.IsNullOrWhiteSpace(spec.UpstreamHost) ? ListenerSpecDefaults.UpstreamHost : spec.UpstreamHost,
            spec.UpstreamPort,
            ListenerSpecDefaults.MountPathOf(listener),
            certificateFiles.ToImmutable(),
            "ca.crt",
            admission.CrlPem is null ? null : "ca.crl",
            admission.CrlPem is null ? [] : admission.CasWithoutCrl,
            pins,
            admission.Rules,
            admission.ForwardIdentityHeader)
        {
            CrlsRevokeOnlyLeaves = admission.CrlPem is { } crl && CrlScope.RevokesOnlyLeaves(admission.CaBundlePem, crl),
            ForwardClientCertificate = admission.ForwardClientCertificate,
            UpstreamTls = upstreamTls?.Model,
            Paths = paths.ToImmutable(),
        };

        var refusals = renderer.FindUnenforceable(model);
        if (refusals.Count > 0)
        {
            return Fail(ListenerReasons.PolicyNotEnforceable,
                $"{flavor.ToString().ToLowerInvariant()} cannot enforce ClientAuthPolicy {policy.Metadata.Name} exactly: {string.Join(" ", refusals)}");
        }

        var exceeded = renderer.FindLimitsExceeded(model);
        if (exceeded.Count > 0)
        {
            return Fail(ListenerReasons.ProxyLimitExceeded,
                $"{flavor.ToString().ToLowerInvariant()} would refuse the configuration for ClientAuthPolicy {policy.Metadata.Name}: {string.Join(" ", exceeded)}");
        }

        foreach (var (key, content) in renderer.Render(model))
        {
            files[key] = content;
        }

        foreach (var (copy, source) in renderer.FileCopies(model))
        {
            files[copy] = files[source];
        }

        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = V1Secret.KubeKind,
            Metadata = OutputOwnership.MetadataFor(outputName, listener),
            Type = "Opaque",
            Data = files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value), StringComparer.Ordinal),
        };
        return (secret, null);
    }

    /// <summary>Per pin entry the strongest form the proxy enforces; null (and why) when an entry offers none of them.</summary>
    private static ImmutableArray<CertificatePin>? ChoosePinForms(ImmutableArray<PinEntry> entries, IProxyRenderer renderer, ProxyFlavor flavor,
        string policyName, out ListenerFailure? failure)
    {
        failure = null;
        var pins = ImmutableArray.CreateBuilder<CertificatePin>();
        foreach (var entry in entries)
        {
            var form = s_pinPreference.Where(renderer.SupportedPinAlgorithms.Contains)
                .Select(a => entry.Forms.FirstOrDefault(f => f.Algorithm == a)).FirstOrDefault(f => f is not null);
            if (form is null)
            {
                var given = string.Join(", ", entry.Forms.Select(f => PinNames.Of(f.Algorithm)));
                var supported = string.Join(", ", s_pinPreference.Where(renderer.SupportedPinAlgorithms.Contains).Select(PinNames.Of));
                failure = new ListenerFailure(ListenerReasons.PinNotEnforceable,
                    $"{entry.Source} of ClientAuthPolicy {policyName} is a {given} pin, which {flavor.ToString().ToLowerInvariant()} cannot enforce " +
                    $"(it enforces: {supported}). Give the client certificate itself as the pin (spec.pins[].certificate) so every form is derived, " +
                    "or choose a proxy that supports this pin.");
                return null;
            }

            pins.Add(form);
        }

        return pins.ToImmutable();
    }

    private static ListenerFailure? ValidateShape(MtlsListener listener)
    {
        var spec = listener.Spec;
        var problems = new List<string>();
        if (spec.ListenPort is < 1 or > 65535)
        {
            problems.Add($"spec.listenPort {spec.ListenPort} is not a TCP port (1-65535).");
        }

        if (spec.UpstreamPort is < 1 or > 65535)
        {
            problems.Add($"spec.upstreamPort {spec.UpstreamPort} is not a TCP port (1-65535).");
        }

        var upstreamIsLocal = string.IsNullOrWhiteSpace(spec.UpstreamHost) || spec.UpstreamHost is "127.0.0.1" or "localhost" or "::1";
        if (upstreamIsLocal && spec.ListenPort == spec.UpstreamPort)
        {
            problems.Add($"spec.listenPort and spec.upstreamPort are both {spec.ListenPort} on the same host; the proxy would forward to itself.");
        }

        if (spec.ServerCertificateRefs.Count == 0)
        {
            problems.Add("spec.serverCertificateRefs is empty; name at least one ServerCertificate.");
        }

        if (string.IsNullOrWhiteSpace(spec.ClientAuthPolicyRef.Name))
        {
            problems.Add("spec.clientAuthPolicyRef.name is empty; every listener needs a ClientAuthPolicy (there is no 'accept anyone').");
        }

        var mountPath = ListenerSpecDefaults.MountPathOf(listener);
        if (!mountPath.StartsWith('/') || mountPath.Any(c => char.IsWhiteSpace(c) || c is ';' or '"' or '\'' or '{' or '}' or '#'))
        {
            problems.Add($"spec.mountPath \"{spec.MountPath}\" must be an absolute path without spaces, quotes, braces, ';' or '#'.");
        }

        var host = spec.UpstreamHost;
        if (!string.IsNullOrWhiteSpace(host) && UpstreamHost.Classify(host) is null)
        {
            problems.Add($"spec.upstreamHost \"{host}\" is not a DNS name or an IP address (an IPv4 dotted quad such as 10.0.0.7, " +
                "an IPv6 address such as fd00::7 without brackets or zone, or a name such as app.payments.svc.cluster.local).");
        }

        return problems.Count == 0 ? null : new ListenerFailure(ListenerReasons.InvalidSpec, string.Join(" ", problems));
    }

    private static ListenerFailure? FindCrossNamespace(MtlsListener listener, string ns)
    {
        var refs = listener.Spec.ServerCertificateRefs.Select(r => ("spec.serverCertificateRefs", r))
            .Append(("spec.clientAuthPolicyRef", listener.Spec.ClientAuthPolicyRef));
        foreach (var (field, reference) in refs)
        {
            if (!string.IsNullOrEmpty(reference.Namespace) && reference.Namespace != ns)
            {
                return new ListenerFailure(ListenerReasons.CrossNamespaceReference,
                    $"{field} points to namespace {reference.Namespace}; references never leave the listener's namespace ({ns}). Create the resource in {ns}.");
            }
        }

        return null;
    }

    private static string ReadyMessage(IEnumerable<V1Condition> conditions) =>
        conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is { } ready ? $"{ready.Reason}: {ready.Message}" : "no Ready condition.";

    private static (V1Secret?, ListenerFailure?) Fail(string reason, string message) => (null, new ListenerFailure(reason, message));
}
