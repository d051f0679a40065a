using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Binds a rule's issuer to CA certificates of the trust bundle, so the rule means "issued by this CA" and not "issued
/// under this name". The proxies only see the name a client's certificate gives as issuer; the binding holds because a rule is
/// refused whenever a CA of the bundle other than the named one (or the CAs above it) could issue a CA certificate of that name.</summary>
/// <remarks>
/// For issuer name N (compared as OpenSSL compares names, <see cref="CanonicalName"/>): the named CAs are the bundle CAs whose
/// subject is N; their authority is those CAs plus every bundle CA on their verified paths to a root (which could already issue
/// them, e.g. a renewal). Every other bundle CA that can have a CA below it (<see cref="CaIssuance"/>: no pathLenConstraint 0,
/// no name constraint excluding N) could issue a certificate named N, which a client could send as its intermediate: the rule
/// is then ambiguous and refused. So is a rule naming no bundle CA, and one naming several CAs that chain to different roots.
/// </remarks>
internal static class RuleIssuers
{
    /// <summary>The rule with its issuer spelled as the bound CA certificates print their subject (one rule per spelling), or
    /// null with a blocking finding when the issuer cannot be bound. A rule without issuer is returned unchanged.</summary>
    public static IReadOnlyList<ClientMatchRule>? Bind(ClientMatchRule rule, string entry, string bundleName, TrustAnchors anchors, Findings findings)
    {
        if (rule.Issuer is not { } issuer)
        {
            return [rule];
        }

        var name = DistinguishedName.TryParse(issuer, allowWildcards: false, out var parsed, out _) ? CanonicalName.Of(parsed!) : null;
        var named = name is null ? [] : anchors.Named(name).ToList();
        if (name is null || named.Count == 0)
        {
            findings.Add(entry, ClientAuthPolicyReasons.RuleIssuerNotInBundle,
                $"{entry}.issuer \"{issuer}\" names no CA certificate of TrustBundle {bundleName}. An issuer rule means \"issued by this CA\", " +
                $"so that CA must be in the bundle: add it to the TrustBundle's spec.sources, or name one of: {List(anchors.Authorities.Select(a => a.Subject))}.",
                blocking: true);
            return null;
        }

        var roots = anchors.Authorities.Where(a => a.IsRoot).Select(a => a.Certificate).ToList();
        var intermediates = anchors.Authorities.Where(a => !a.IsRoot).Select(a => a.Certificate).ToList();
        var paths = named.Select(n => CertificatePaths.Build(n.Certificate, roots, intermediates.Where(i => !ReferenceEquals(i, n.Certificate)), null)).ToList();
        var tops = paths.Select(p => Sha256Of(anchors, p.Path[^1])).Distinct().ToList();
        if (tops.Count > 1)
        {
            var other = named.First(n => Sha256Of(anchors, paths[named.IndexOf(n)].Path[^1]) != tops[0]);
            findings.Add(entry, ClientAuthPolicyReasons.AmbiguousIssuer,
                $"{entry}.issuer \"{issuer}\" names two unrelated CAs of the bundle: {Describe(named[0])} and {Describe(other)}; the proxies cannot tell " +
                "their clients apart. Keep one of them in this policy's TrustBundle and trust the other through a separate TrustBundle and ClientAuthPolicy.",
                blocking: true);
            return null;
        }

        var authority = paths.SelectMany(p => p.Path).Select(c => Sha256Of(anchors, c)).ToHashSet(StringComparer.Ordinal);
        if (anchors.Authorities.FirstOrDefault(a => !authority.Contains(a.Sha256) && CaIssuance.CanIssueCaNamed(a.Certificate, name)) is { } foreign)
        {
            findings.Add(entry, ClientAuthPolicyReasons.AmbiguousIssuer,
                $"{entry}.issuer \"{issuer}\" names {Describe(named[0])}, but the bundle's CA {Describe(foreign)} can also issue a CA named " +
                $"\"{named[0].Subject}\", whose clients would match this rule. Give \"{foreign.Subject}\" pathLenConstraint:0 or a name constraint " +
                "excluding that name, or trust it through a separate TrustBundle and ClientAuthPolicy (and listener).",
                blocking: true);
            return null;
        }

        return [.. named.Select(n => DistinguishedName.FromDer(n.Certificate.SubjectName.RawData).ToPatternText()).Distinct(StringComparer.Ordinal)
            .Select(spelling => rule with { Issuer = spelling })];
    }

    private static string Sha256Of(TrustAnchors anchors, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        anchors.Authorities.FirstOrDefault(a => a.Certificate.RawData.AsSpan().SequenceEqual(certificate.RawData))?.Sha256
        ?? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.RawData));

    private static string Describe(TrustedAuthority ca) => $"\"{ca.Subject}\" (SHA-256 {ca.Sha256[..16]}…)";

    private static string List(IEnumerable<string> subjects)
    {
        var all = subjects.Distinct(StringComparer.Ordinal).ToList();
        return string.Join("; ", all.Take(5)) + (all.Count > 5 ? $" and {all.Count - 5} more" : "");
    }
}
