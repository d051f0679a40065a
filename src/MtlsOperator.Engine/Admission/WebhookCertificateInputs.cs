using System.Collections.Immutable;

namespace MtlsOperator.Engine.Admission;

/// <summary>Key material a plan may use when it must issue: made by the shell (the engine generates nothing), used only if needed.</summary>
/// <param name="CaKeyPem">A fresh PKCS#8 ECDSA key for a new CA.</param>
/// <param name="ServingKeyPem">A fresh PKCS#8 ECDSA key for a new serving certificate.</param>
/// <param name="Serials">Two random positive serial numbers (CA, serving).</param>
public sealed record FreshKeys(string CaKeyPem, string ServingKeyPem, ImmutableArray<byte[]> Serials);

/// <summary>How long the webhook's own CA and serving certificate live, and how early each is replaced.</summary>
public sealed record WebhookCertificateLifetimes
{
    public TimeSpan CaValidity { get; init; } = TimeSpan.FromDays(730);

    /// <summary>A CA with less left than this is succeeded by a new one (the old stays trusted until it expires).</summary>
    public TimeSpan CaRenewBefore { get; init; } = TimeSpan.FromDays(240);

    public TimeSpan ServingValidity { get; init; } = TimeSpan.FromDays(90);

    /// <summary>A serving certificate with less left than this is re-issued.</summary>
    public TimeSpan ServingRenewBefore { get; init; } = TimeSpan.FromDays(30);

    public static WebhookCertificateLifetimes Default { get; } = new();
}

/// <summary>What the webhook's serving Secret and the MutatingWebhookConfiguration's caBundle should hold now.</summary>
/// <param name="SecretData"><c>ca.crt</c> (every CA to trust, signer first), <c>ca.key</c>, <c>tls.crt</c>, <c>tls.key</c>.</param>
/// <param name="CaBundlePem">The caBundle for the webhook configuration (same as <c>ca.crt</c>).</param>
/// <param name="NextCheck">When the plan changes by itself next (a renewal becomes due, or a certificate expires).</param>
public sealed record WebhookCertificatePlan(ImmutableSortedDictionary<string, byte[]> SecretData, string CaBundlePem, DateTimeOffset NextCheck);
