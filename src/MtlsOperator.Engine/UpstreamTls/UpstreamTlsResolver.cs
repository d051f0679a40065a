using System.Collections.Immutable;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Rendering;

namespace MtlsOperator.Engine.UpstreamTls;

/// <summary>What spec.upstreamTls renders: the model and the files it names.</summary>
internal sealed record UpstreamTlsMaterial(UpstreamTlsModel Model, ImmutableSortedDictionary<string, string> Files);

/// <summary>Turns spec.upstreamTls into <see cref="UpstreamTlsMaterial"/>, or the reason it cannot be rendered. Fails closed: no trust
/// means no render, unless insecureSkipVerify holds its exact phrase.</summary>
internal static class UpstreamTlsResolver
{
    /// <summary>Null material and null failure when the listener has no spec.upstreamTls.</summary>
    public static (UpstreamTlsMaterial? Material, ListenerFailure? Failure) Resolve(
        MtlsListenerSpec spec, string ns, EvaluationContext context, Func<TrustBundle, EvaluationContext, TrustBundleEvaluation> evaluateBundle)
    {
        if (spec.UpstreamTls is not { } tls)
        {
            return (null, null);
        }

        if (ShapeProblems(spec, tls) is { Count: > 0 } problems)
        {
            return Fail(ListenerReasons.InvalidSpec, string.Join(" ", problems));
        }

        foreach (var (field, reference) in new[] { ("trustBundleRef", tls.TrustBundleRef), ("clientCertificateSecretRef", tls.ClientCertificateSecretRef) })
        {
            if (reference is { Namespace: { Length: > 0 } other } && other != ns)
            {
                return Fail(ListenerReasons.CrossNamespaceReference,
                    $"spec.upstreamTls.{field} points to namespace {other}; references never leave the listener's namespace ({ns}). Create the object in {ns}.");
            }
        }

        var files = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        string? caFile = null;
        if (tls.TrustBundleRef is { } bundleRef)
        {
            var bundle = context.Lookup.FindTrustBundle(ns, bundleRef.Name);
            if (bundle is null)
            {
                return Fail(UpstreamTlsReasons.TrustBundleNotFound,
                    $"TrustBundle {ns}/{bundleRef.Name} (spec.upstreamTls.trustBundleRef) does not exist; create it with the CAs of the upstream's certificate.");
            }

            if (evaluateBundle(bundle, context).Anchors is not { } anchors)
            {
                return Fail(UpstreamTlsReasons.TrustBundleNotReady,
                    $"TrustBundle {bundleRef.Name} (spec.upstreamTls.trustBundleRef) is not ready; fix the bundle first.");
            }

            files[UpstreamTlsModel.CaKey] = anchors.CaBundlePem;
            caFile = UpstreamTlsModel.CaKey;
        }

        if (tls.ClientCertificateSecretRef is { } secretRef)
        {
            var secret = context.Lookup.FindSecret(ns, secretRef.Name);
            if (secret is null)
            {
                return Fail(UpstreamTlsReasons.ClientCertificateNotFound,
                    $"Secret {ns}/{secretRef.Name} (spec.upstreamTls.clientCertificateSecretRef) does not exist; create the kubernetes.io/tls Secret with the certificate the proxy presents upstream.");
            }

            var presented = UpstreamClientCertificate.Read(secret, context.Now);
            if (presented.Problem is { } problem)
            {
                return Fail(UpstreamTlsReasons.ClientCertificateInvalid, problem);
            }

            files[UpstreamTlsModel.ClientCertificateKey] = presented.ChainPem!;
            files[UpstreamTlsModel.ClientKeyKey] = presented.KeyPem!;
        }

        var model = new UpstreamTlsModel(
            ServerNameOf(spec, tls)!,
            caFile,
            tls.ClientCertificateSecretRef is null ? null : UpstreamTlsModel.ClientCertificateKey,
            tls.ClientCertificateSecretRef is null ? null : UpstreamTlsModel.ClientKeyKey);
        return (new UpstreamTlsMaterial(model, files.ToImmutable()), null);
    }

    /// <summary>Sets UpstreamVerified on a listener with spec.upstreamTls, from the spec alone (so it is right even while the listener
    /// cannot render); leaves <paramref name="conditions"/> alone without spec.upstreamTls.</summary>
    public static void SetVerification(ConditionSet conditions, MtlsListenerSpec spec)
    {
        switch (spec.UpstreamTls)
        {
            case null:
                return;
            case { InsecureSkipVerify: UpstreamTlsSpec.InsecureSkipVerifyPhrase, TrustBundleRef: null }:
                conditions.Set(ConditionTypes.UpstreamVerified, false, UpstreamTlsReasons.VerificationDisabled,
                    "spec.upstreamTls.insecureSkipVerify is set: the proxy accepts ANY certificate from the upstream, so whoever is on the path to it can " +
                    "read and change the traffic. Set spec.upstreamTls.trustBundleRef to the upstream's CAs instead.");
                return;
            case { TrustBundleRef: { } bundle, InsecureSkipVerify: null } tls:
                conditions.Set(ConditionTypes.UpstreamVerified, true, UpstreamTlsReasons.Verified,
                    $"The proxy verifies the upstream's certificate against TrustBundle {bundle.Name} and the name {ServerNameOf(spec, tls) ?? "(none)"}.");
                return;
            default:
                conditions.Set(ConditionTypes.UpstreamVerified, false, ListenerReasons.InvalidSpec,
                    "spec.upstreamTls needs exactly one of trustBundleRef and insecureSkipVerify (with its exact phrase); the listener is not rendered until it has.");
                return;
        }
    }

    private static List<string> ShapeProblems(MtlsListenerSpec spec, UpstreamTlsSpec tls)
    {
        var problems = new List<string>();
        if (tls.TrustBundleRef is null == tls.InsecureSkipVerify is null)
        {
            problems.Add("spec.upstreamTls needs exactly one of trustBundleRef (the CAs the upstream's certificate must chain to) and insecureSkipVerify.");
        }

        if (tls.InsecureSkipVerify is { } phrase && phrase != UpstreamTlsSpec.InsecureSkipVerifyPhrase)
        {
            problems.Add($"spec.upstreamTls.insecureSkipVerify turns verification off only with the exact value {UpstreamTlsSpec.InsecureSkipVerifyPhrase}; any other value is refused.");
        }

        foreach (var (field, reference) in new[] { ("trustBundleRef", tls.TrustBundleRef), ("clientCertificateSecretRef", tls.ClientCertificateSecretRef) })
        {
            if (reference is not null && string.IsNullOrWhiteSpace(reference.Name))
            {
                problems.Add($"spec.upstreamTls.{field}.name is empty.");
            }
        }

        if (tls.ServerName is { } name && UpstreamHost.Classify(name) is not (UpstreamHostKind.DnsName or UpstreamHostKind.Localhost))
        {
            problems.Add($"spec.upstreamTls.serverName \"{name}\" is not a DNS name (letters, digits, '-' and '.'; no wildcard, no IP address: SNI carries names only).");
        }
        else if (ServerNameOf(spec, tls) is null)
        {
            problems.Add($"spec.upstreamTls.serverName is required when spec.upstreamHost is an IP address: name the DNS name in the upstream's certificate.");
        }

        return problems;
    }

    /// <summary>serverName, else upstreamHost when it is a name (trailing dot dropped, lower case); null when neither gives a name.</summary>
    private static string? ServerNameOf(MtlsListenerSpec spec, UpstreamTlsSpec tls)
    {
        var name = tls.ServerName ?? (string.IsNullOrWhiteSpace(spec.UpstreamHost) ? null : spec.UpstreamHost);
        return name is not null && UpstreamHost.Classify(name) is UpstreamHostKind.DnsName or UpstreamHostKind.Localhost
            ? name.TrimEnd('.').ToLowerInvariant()
            : null;
    }

    private static (UpstreamTlsMaterial?, ListenerFailure?) Fail(string reason, string message) => (null, new ListenerFailure(reason, message));
}
