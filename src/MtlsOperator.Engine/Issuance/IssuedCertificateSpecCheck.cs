using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.Issuance;

/// <summary>Turns an IssuedClientCertificate's spec into a <see cref="ClientCertificateRequest"/>, or says which field is wrong.</summary>
internal static class IssuedCertificateSpecCheck
{
    public const int DefaultValidityDays = 90;

    public static ClientCertificateRequest? Check(IssuedClientCertificateSpec spec, out string? problem)
    {
        if (SubjectNameEncoding.TryEncode(spec.Subject, out var error) is not { } subject)
        {
            problem = $"spec.subject {error}";
            return null;
        }

        foreach (var (dns, i) in (spec.DnsNames ?? []).Select((d, i) => (d, i)))
        {
            if (HostnameSyntax.Problem(dns) is { } p)
            {
                problem = $"spec.dnsNames[{i}] \"{dns}\" is not valid: {p}.";
                return null;
            }
        }

        foreach (var (uri, i) in (spec.Uris ?? []).Select((u, i) => (u, i)))
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || uri.Any(char.IsControl) || uri.Contains(' ', StringComparison.Ordinal))
            {
                problem = $"spec.uris[{i}] \"{uri}\" is not an absolute URI; write it like spiffe://partner.example/agent.";
                return null;
            }

            if (parsed.Scheme == "spiffe" && (parsed.Host.Length == 0 || !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment) || !string.IsNullOrEmpty(parsed.UserInfo) || !parsed.IsDefaultPort))
            {
                problem = $"spec.uris[{i}] \"{uri}\" is not a SPIFFE ID (spiffe://trust-domain/path, no port, query, fragment or user).";
                return null;
            }
        }

        foreach (var (email, i) in (spec.EmailAddresses ?? []).Select((e, i) => (e, i)))
        {
            var at = email.IndexOf('@', StringComparison.Ordinal);
            if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 || email.Any(c => c > 0x7E || c <= ' '))
            {
                problem = $"spec.emailAddresses[{i}] \"{email}\" is not an email address (local@domain, ASCII).";
                return null;
            }
        }

        var algorithm = spec.KeyAlgorithm ?? KeyAlgorithm.Default;
        if (!KeyAlgorithm.IsKnown(algorithm))
        {
            problem = $"spec.keyAlgorithm \"{algorithm}\" is not one of {string.Join(", ", KeyAlgorithm.All)}.";
            return null;
        }

        var validity = spec.ValidityDays ?? DefaultValidityDays;
        if (validity is < 1 or > 3650 || spec.RenewBeforeDays is < 1 or > 3650)
        {
            problem = "spec.validityDays and spec.renewBeforeDays must be between 1 and 3650.";
            return null;
        }

        if (spec.RenewBeforeDays >= validity)
        {
            problem = $"spec.renewBeforeDays ({spec.RenewBeforeDays}) must be less than spec.validityDays ({validity}), or every reconcile would renew.";
            return null;
        }

        if (spec.Overlap is not (null or "UntilExpiry" or "None"))
        {
            problem = $"spec.overlap \"{spec.Overlap}\" is not one of UntilExpiry or None.";
            return null;
        }

        if (spec.RevocationReason is not null && RevocationReasons.Parse(spec.RevocationReason) is null)
        {
            problem = $"spec.revocationReason \"{spec.RevocationReason}\" is not one of {string.Join(", ", RevocationReasons.Names)}.";
            return null;
        }

        problem = null;
        return new ClientCertificateRequest(subject, [.. spec.DnsNames ?? []], [.. spec.Uris ?? []], [.. spec.EmailAddresses ?? []], algorithm, TimeSpan.FromDays(validity));
    }

    /// <summary>How long before notAfter the next certificate is issued: renewBeforeDays, else a third of the lifetime.</summary>
    public static TimeSpan RenewBefore(IssuedClientCertificateSpec spec, TimeSpan lifetime)
    {
        var wanted = spec.RenewBeforeDays is { } days ? TimeSpan.FromDays(days) : lifetime / 3;
        // A certificate cut short by the CA's own notAfter would otherwise be renewed on every reconcile.
        return wanted < lifetime * 2 / 3 ? wanted : lifetime / 3;
    }
}

/// <summary>The spec spellings of CRL reasons (RFC 5280 §5.3.1) people may give.</summary>
public static class RevocationReasons
{
    private static readonly (string Name, X509RevocationReason Reason)[] s_reasons =
    [
        ("Unspecified", X509RevocationReason.Unspecified),
        ("KeyCompromise", X509RevocationReason.KeyCompromise),
        ("AffiliationChanged", X509RevocationReason.AffiliationChanged),
        ("Superseded", X509RevocationReason.Superseded),
        ("CessationOfOperation", X509RevocationReason.CessationOfOperation),
        ("PrivilegeWithdrawn", X509RevocationReason.PrivilegeWithdrawn),
    ];

    public static ImmutableArray<string> Names { get; } = [.. s_reasons.Select(r => r.Name)];

    public static X509RevocationReason? Parse(string? name) =>
        name is null ? X509RevocationReason.Unspecified
            : s_reasons.Where(r => r.Name == name).Select(r => (X509RevocationReason?)r.Reason).FirstOrDefault();

    /// <summary>The spec spelling of a reason read from a CRL, or its number.</summary>
    public static string NameOf(X509RevocationReason reason) =>
        s_reasons.Where(r => r.Reason == reason).Select(r => r.Name).FirstOrDefault() ?? ((int)reason).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
