using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The documented bounds on what one resource may hold (README "Limits"). Each keeps evaluation time and memory bounded;
/// an input over one is refused with <c>Ready=False</c>, reason <c>LimitExceeded</c>, and a message naming the limit.
/// The list bounds are <see cref="ApiLimits"/>, the numbers the CRD schemas carry as <c>maxItems</c>/<c>maxLength</c>, so what the
/// API server admits and what <c>render</c> accepts from files are the same.</summary>
public static class InputLimits
{
    /// <summary>Bytes in one referenced Secret/ConfigMap key (a Secret holds at most 1 MiB in Kubernetes).</summary>
    public const int MaxSourceBytes = 1024 * 1024;

    /// <summary>Characters of one inline PEM value (the schema's maxLength).</summary>
    public const int MaxInlineChars = ApiLimits.InlinePem;

    /// <summary>PEM blocks (certificates, CRLs, keys) in one source.</summary>
    public const int MaxPemBlocksPerSource = Pki.PemOrDer.MaxBlocks;

    /// <summary>Sources of one TrustBundle.</summary>
    public const int MaxBundleSources = ApiLimits.Sources;

    /// <summary>CRL sources of one TrustBundle.</summary>
    public const int MaxCrls = ApiLimits.Crls;

    /// <summary>Pins of one ClientAuthPolicy.</summary>
    public const int MaxPins = ApiLimits.Pins;

    /// <summary>Match rules of one ClientAuthPolicy.</summary>
    public const int MaxRules = ApiLimits.Rules;

    /// <summary>Server certificates (SNI entries) of one MtlsListener.</summary>
    public const int MaxServerCertificates = ApiLimits.ServerCertificateRefs;

    /// <summary>Hostnames of one ServerCertificate.</summary>
    public const int MaxHostnames = ApiLimits.Hostnames;

    /// <summary>The first list of <paramref name="resource"/>'s spec longer than its limit, as a sentence naming field, count and limit; or null.</summary>
    public static string? FirstExceeded(IKubernetesObject<V1ObjectMeta> resource) => resource switch
    {
        TrustBundle b => Over("spec.sources", b.Spec.Sources, MaxBundleSources) ?? Over("spec.crls", b.Spec.Crls, MaxCrls),
        ClientAuthPolicy p => Over("spec.pins", p.Spec.Pins, MaxPins) ?? Over("spec.rules", p.Spec.Rules, MaxRules),
        MtlsListener l => Over("spec.serverCertificateRefs", l.Spec.ServerCertificateRefs, MaxServerCertificates),
        ServerCertificate c => Over("spec.hostnames", c.Spec.Hostnames, MaxHostnames),
        IssuedClientCertificate i => Over("spec.dnsNames", i.Spec.DnsNames, ApiLimits.IssuedNames) ?? Over("spec.uris", i.Spec.Uris, ApiLimits.IssuedNames)
            ?? Over("spec.emailAddresses", i.Spec.EmailAddresses, ApiLimits.IssuedNames),
        _ => null,
    };

    private static string? Over<T>(string field, List<T>? list, int limit) =>
        list is { Count: var count } && count > limit
            ? $"{field} has {count} entries, more than the limit of {limit}; split it across resources or remove some."
            : null;

    /// <summary>Throws <see cref="InputLimitException"/> when <paramref name="count"/> is over <paramref name="limit"/>.</summary>
    public static void Check(string field, int count, int limit, string what)
    {
        if (count > limit)
        {
            throw new InputLimitException($"{field} has {count} {what}, more than the limit of {limit}; split it across resources or remove some.");
        }
    }
}

/// <summary>An input over one of the <see cref="InputLimits"/>; its message names the field, the count and the limit.</summary>
public sealed class InputLimitException(string message) : Exception(message);
