using System.Globalization;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;
using MtlsOperator.Engine.SigningRequests;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>What is wrong with a ServerCertificate spec before any Secret is read (the CLI path has no admission webhook or CEL to catch it).</summary>
internal static class ServerCertificateSpecCheck
{
    private const int MaxDays = 3650;

    /// <summary>The first problem of the spec, or null when it can be evaluated.</summary>
    public static CertificateProblem? Problem(ServerCertificate certificate, string ns)
    {
        var spec = certificate.Spec;
        var problems = new List<string>();
        if ((spec.SecretRef is null ? 0 : 1) + (spec.SelfSigned is null ? 0 : 1) + (spec.Csr is null ? 0 : 1) != 1)
        {
            problems.Add("Set exactly one of spec.secretRef (a kubernetes.io/tls Secret), spec.selfSigned (a generated bootstrap certificate) " +
                "or spec.csr (a key the operator generates and a signing request for your CA).");
        }

        if (spec.SecretRef is { } reference && string.IsNullOrWhiteSpace(reference.Name))
        {
            problems.Add("spec.secretRef.name is empty; name the Secret holding tls.crt and tls.key.");
        }

        problems.AddRange(HostnameProblems(spec.Hostnames));
        if (spec.ExpiryWarningDays is < 0 or > MaxDays)
        {
            problems.Add($"spec.expiryWarningDays {spec.ExpiryWarningDays} must be between 0 and {MaxDays}.");
        }

        if (spec.SelfSigned is { } selfSigned)
        {
            if (selfSigned.ValidityDays is < 1 or > MaxDays)
            {
                problems.Add($"spec.selfSigned.validityDays {selfSigned.ValidityDays} must be between 1 and {MaxDays}.");
            }

            if (selfSigned.KeyAlgorithm is { } algorithm && !KeyAlgorithm.IsKnown(algorithm))
            {
                problems.Add($"spec.selfSigned.keyAlgorithm \"{algorithm}\" is not one of {string.Join(", ", KeyAlgorithm.All)}.");
            }
        }

        if (spec.Csr is { } csr)
        {
            problems.AddRange(CsrSpecCheck.Problems(csr, spec.Hostnames));
        }

        if (problems.Count > 0)
        {
            return new CertificateProblem(ServerCertificateReasons.InvalidSpec, string.Join(" ", problems));
        }

        return spec.SecretRef is { Namespace: { Length: > 0 } other } && other != ns
            ? new CertificateProblem(ServerCertificateReasons.CrossNamespaceReference,
                $"spec.secretRef points to namespace {other}; references never leave the ServerCertificate's namespace ({ns}). " +
                $"Create the Secret in {ns} and remove spec.secretRef.namespace.")
            : null;
    }

    private static IEnumerable<string> HostnameProblems(IReadOnlyList<string> hostnames)
    {
        if (hostnames.Count == 0)
        {
            yield return "spec.hostnames is empty; list the DNS names this certificate serves.";
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < hostnames.Count; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            if (HostnameSyntax.Problem(hostnames[i]) is { } problem)
            {
                yield return $"spec.hostnames[{index}] \"{hostnames[i]}\" is not a valid DNS name: {problem}.";
            }
            else if (!seen.Add(hostnames[i]))
            {
                yield return $"spec.hostnames[{index}] \"{hostnames[i]}\" is listed more than once; list each name once.";
            }
        }
    }
}
