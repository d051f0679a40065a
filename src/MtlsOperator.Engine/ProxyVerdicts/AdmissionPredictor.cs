using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Haproxy;

namespace MtlsOperator.Engine.ProxyVerdicts;

/// <summary>Predicts what a listener's proxy does with one client, from what the listener renders: the evaluated
/// <see cref="ClientAdmission"/> (CA file, CRL file, pins, rules) and the proxy flavour. A pure function that models OpenSSL 3.0 inside
/// HAProxy 2.6 and nginx 1.22 on Debian 12: a chain to a self-signed root of the CA file (no partial chains), validity at the given
/// time, basicConstraints and path lengths (the platform verifier, <see cref="CertificatePaths"/>), the <c>sslclient</c> purpose,
/// security level 2, the CRL checks as rendered; then the policy on the verified leaf. The differential tests hold it equal to the
/// real proxies.</summary>
public static class AdmissionPredictor
{
    /// <summary>The verdict for a client presenting <paramref name="presented"/> (its certificate first, then any intermediates
    /// it sends; empty for no certificate) at <paramref name="at"/>, requesting <paramref name="target"/> (the request target as
    /// sent, e.g. <c>/admin/x?y</c>; it matters only with spec.paths, see <see cref="PathRules.RequestPath"/>).</summary>
    public static ProxyVerdict Predict(ClientAdmission admission, ProxyFlavor proxy, IReadOnlyList<X509Certificate2> presented, DateTimeOffset at,
        string target = "/")
    {
        var chainStage = proxy == ProxyFlavor.Nginx ? RefusalStage.BadRequest : RefusalStage.Handshake;
        if (presented.Count == 0)
        {
            return new ProxyVerdict(chainStage, "no client certificate");
        }

        if (ChainRefusal(admission, proxy, presented, at, out var path) is { } refusal)
        {
            return new ProxyVerdict(chainStage, refusal);
        }

        if (admission.Paths.IsDefaultOrEmpty)
        {
            return PolicyMatch.Admitting(admission, path[0]) is { } admitted
                ? ProxyVerdict.Admit(admitted)
                : new ProxyVerdict(RefusalStage.Forbidden, "the verified certificate matches no pin and no rule");
        }

        if (PathRules.RequestPath.Refusal(target) is { } spelling)
        {
            return new ProxyVerdict(RefusalStage.BadRequest, $"the path {target} is refused: {spelling}");
        }

        var scope = PathRules.RequestPath.ScopeOf(target, [.. admission.Paths.Select(p => p.Prefix)]) is { } index ? admission.Paths[index] : null;
        var where = scope is null ? "the policy's own pins and rules" : $"{scope.Source} ({scope.Prefix})";
        return PolicyMatch.Admitting(scope?.Pins ?? admission.Pins, scope?.Rules ?? admission.Rules, path[0]) is { } byPath
            ? ProxyVerdict.Admit($"{byPath} of {where}")
            : new ProxyVerdict(RefusalStage.Forbidden, $"the verified certificate matches no pin and no rule of {where}");
    }

    private static string? ChainRefusal(ClientAdmission admission, ProxyFlavor proxy, IReadOnlyList<X509Certificate2> presented, DateTimeOffset at,
        out IReadOnlyList<X509Certificate2> path)
    {
        path = presented;
        var bundle = Certificates(admission.CaBundlePem);
        var anchors = bundle.Where(CertificatePaths.IsSelfSigned).ToList();
        var untrusted = bundle.Except(anchors).Concat(presented.Skip(1));
        var check = CertificatePaths.Build(presented[0], anchors, untrusted, at);
        if (!check.RootReached || check.Flags != X509ChainStatusFlags.NoError)
        {
            return $"certificate verify failed: {check.Flags}" + (check.MissingIssuer is { } missing ? $" (no trusted path above \"{missing}\")" : "");
        }

        path = check.Path;
        if ((SslClientPurpose.Refusal(path) ?? SecurityLevel.Refusal(path)) is { } weak)
        {
            return weak;
        }

        if (admission.CrlPem is not { } crlPem)
        {
            return null;
        }

        var ignoreMissing = proxy == ProxyFlavor.Haproxy && HaproxyConfig.IgnoresMissingCaCrls(admission.CasWithoutCrl);
        return RevocationCheck.Refusal(path, Crls(crlPem), ignoreMissing, at);
    }

    private static List<X509Certificate2> Certificates(string pem) =>
        [.. PemBlock.ReadAll(pem).Where(b => b.Label == PemLabels.Certificate).Select(b => X509CertificateLoader.LoadCertificate(b.Der.Span))];

    private static List<CertificateRevocationList> Crls(string pem)
    {
        var crls = new List<CertificateRevocationList>();
        foreach (var block in PemBlock.ReadAll(pem).Where(b => b.Label == PemLabels.Crl))
        {
            try
            {
                crls.Add(CertificateRevocationList.Parse(block.Der));
            }
            catch (Exception e) when (e is AsnContentException or CryptographicException)
            {
                // OpenSSL refuses to load a file with a broken CRL; the evaluators never render one.
            }
        }

        return crls;
    }
}
