using System.Collections.Immutable;
using k8s.Models;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Trust material a policy builds on, or nothing when the bundle is unusable.</summary>
/// <param name="CaBundlePem">Every accepted CA certificate, de-duplicated, in a stable order.</param>
/// <param name="CrlPem">Every CRL matched to an issuer in the bundle, or null when there are none.</param>
/// <param name="CaSubjects">RFC 4514 subjects of the accepted CAs.</param>
/// <param name="CasWithoutCrl">Subjects of accepted CAs for which no CRL was given.</param>
public sealed record TrustAnchors(string CaBundlePem, string? CrlPem, ImmutableArray<string> CaSubjects, ImmutableArray<string> CasWithoutCrl)
{
    /// <summary>The accepted CA certificates, in <see cref="CaBundlePem"/> order, for rules that must name one of them.</summary>
    public ImmutableArray<TrustedAuthority> Authorities { get; init; } = [];

    /// <summary>The accepted CAs whose subject is <paramref name="name"/> as OpenSSL compares names.</summary>
    public IEnumerable<TrustedAuthority> Named(CanonicalName name) => Authorities.Where(a => a.Name.Equals(name));
}

/// <summary>One CA certificate of a usable bundle.</summary>
/// <param name="Subject">RFC 4514 subject as OpenSSL prints it.</param>
/// <param name="Name">The subject as OpenSSL compares names.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the DER certificate.</param>
public sealed record TrustedAuthority(X509Certificate2 Certificate, string Subject, CanonicalName Name, string Sha256, bool IsRoot);

/// <summary>Result of evaluating a <see cref="TrustBundle"/>: its status, the ConfigMap to write, and usable anchors.</summary>
public sealed record TrustBundleEvaluation(TrustBundleStatus Status, V1ConfigMap? Output, TrustAnchors? Anchors);

/// <summary>A server identity fit to serve: leaf + chain PEM (leaf first) and its private key PEM.</summary>
public sealed record ServerIdentity(string Name, ImmutableArray<string> Hostnames, string ChainPem, string KeyPem, DateTimeOffset NotAfter);

/// <summary>Result of evaluating a <see cref="ServerCertificate"/>: <see cref="KeySecret"/> is the operator's own key Secret to write
/// (the self-signed bootstrap, or the CSR flow's keys), if it must be written; <see cref="PinsConfigMap"/> the pins ConfigMap, when
/// there are pins to publish (the writer compares it with what is live).</summary>
public sealed record ServerCertificateEvaluation(ServerCertificateStatus Status, ServerIdentity? Identity, V1Secret? KeySecret, V1ConfigMap? PinsConfigMap)
{
    /// <summary>What the shell writes, key Secret first (the pins and the status describe the keys it holds).</summary>
    public IEnumerable<k8s.IKubernetesObject<V1ObjectMeta>> Outputs =>
        new k8s.IKubernetesObject<V1ObjectMeta>?[] { KeySecret, PinsConfigMap }.OfType<k8s.IKubernetesObject<V1ObjectMeta>>();
}

/// <summary>Result of evaluating a <see cref="ClientAuthPolicy"/>; <see cref="Admission"/> is null when the policy must not be rendered.</summary>
public sealed record ClientAuthPolicyEvaluation(ClientAuthPolicyStatus Status, ClientAdmission? Admission);

/// <summary>Result of evaluating an <see cref="MtlsListener"/>; <see cref="Output"/> is null when the last good output must stay.</summary>
public sealed record MtlsListenerEvaluation(MtlsListenerStatus Status, V1Secret? Output);
