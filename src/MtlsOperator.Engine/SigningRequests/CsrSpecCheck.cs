using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.SigningRequests;

/// <summary>What is wrong with a <c>spec.csr</c> before anything is generated (the CLI path has no CEL to catch it).</summary>
internal static partial class CsrSpecCheck
{
    /// <summary>Kubernetes' built-in signers never sign a server certificate for an arbitrary name.</summary>
    private static readonly string[] s_builtInSigners =
        ["kubernetes.io/kube-apiserver-client", "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving", "kubernetes.io/legacy-unknown"];

    /// <summary>Every problem of <paramref name="csr"/>, each a sentence naming the field and what to change.</summary>
    public static IEnumerable<string> Problems(CsrSpec csr, IReadOnlyList<string> hostnames)
    {
        if (csr.KeyAlgorithm is { } algorithm && !KeyAlgorithm.IsKnown(algorithm))
        {
            yield return $"spec.csr.keyAlgorithm \"{algorithm}\" is not one of {string.Join(", ", KeyAlgorithm.All)}.";
        }

        if (csr.SingleDnsName == true)
        {
            if (hostnames.Count != 1)
            {
                yield return $"spec.csr.singleDnsName requests exactly one DNS name, but spec.hostnames lists {hostnames.Count.ToString(CultureInfo.InvariantCulture)}; " +
                    "list one hostname, or use one ServerCertificate per name.";
            }

            if (csr.IpAddresses is { Count: > 0 } || csr.EmailAddresses is { Count: > 0 })
            {
                yield return "spec.csr.singleDnsName requests exactly one DNS name and nothing else: remove spec.csr.ipAddresses and spec.csr.emailAddresses.";
            }
        }

        var ips = csr.IpAddresses ?? [];
        for (var i = 0; i < ips.Count; i++)
        {
            if (!IPAddress.TryParse(ips[i] ?? "", out var parsed) || !IsCanonical(ips[i], parsed))
            {
                yield return $"spec.csr.ipAddresses[{i.ToString(CultureInfo.InvariantCulture)}] \"{ips[i]}\" is not an IP address in canonical form (e.g. 192.0.2.10 or 2001:db8::10).";
            }
        }

        var emails = csr.EmailAddresses ?? [];
        for (var i = 0; i < emails.Count; i++)
        {
            if (!IsEmail(emails[i]))
            {
                yield return $"spec.csr.emailAddresses[{i.ToString(CultureInfo.InvariantCulture)}] \"{emails[i]}\" is not an email address (ASCII local@domain).";
            }
        }

        if (csr.Subject is { } subject)
        {
            if (subject.EmailAddress is { } email && !IsEmail(email))
            {
                yield return $"spec.csr.subject.emailAddress \"{email}\" is not an email address (ASCII local@domain).";
            }

            if (subject.Country is { } country && !CountryPattern().IsMatch(country))
            {
                yield return $"spec.csr.subject.country \"{country}\" is not a two-letter ISO 3166 code in capitals, e.g. US.";
            }

            foreach (var (field, value, max) in new[]
            {
                ("commonName", subject.CommonName, ApiLimits.CommonName), ("organization", subject.Organization, ApiLimits.CommonName),
                ("organizationalUnit", subject.OrganizationalUnit, ApiLimits.CommonName), ("locality", subject.Locality, ApiLimits.Locality),
                ("state", subject.State, ApiLimits.Locality),
            })
            {
                if (value is { Length: 0 } || value?.Length > max || (value is not null && value.Any(char.IsControl)))
                {
                    yield return $"spec.csr.subject.{field} must be 1 to {max.ToString(CultureInfo.InvariantCulture)} characters without control characters.";
                }
            }
        }

        if (csr.Certificate is not null && csr.SigningRequest is not null)
        {
            yield return "Set at most one of spec.csr.certificate (you bring the signed certificate) or spec.csr.signingRequest (a Kubernetes signer returns it).";
        }

        if (csr.SigningRequest is { } request)
        {
            if (!SignerPattern().IsMatch(request.SignerName ?? ""))
            {
                yield return $"spec.csr.signingRequest.signerName \"{request.SignerName}\" is not a signer name (DOMAIN/NAME, e.g. example.com/corp-ca).";
            }
            else if (s_builtInSigners.Contains(request.SignerName))
            {
                yield return $"spec.csr.signingRequest.signerName {request.SignerName} is a Kubernetes built-in signer that does not sign server " +
                    "certificates for arbitrary names; name your CA's signer.";
            }

            if (request.ExpirationSeconds is < 600 or > 315360000)
            {
                yield return "spec.csr.signingRequest.expirationSeconds must be between 600 and 315360000.";
            }
        }
    }

    private static bool IsCanonical(string text, IPAddress parsed) =>
        string.Equals(parsed.ToString(), text, StringComparison.OrdinalIgnoreCase) && !text.Contains('%', StringComparison.Ordinal);

    private static bool IsEmail(string? text) => text is { Length: > 0 and <= ApiLimits.EmailAddress } && EmailPattern().IsMatch(text);

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[-A-Za-z0-9_.]+$")]
    private static partial Regex SignerPattern();
}
