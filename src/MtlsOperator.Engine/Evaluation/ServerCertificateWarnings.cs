using System.Globalization;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The warning conditions of a ServerCertificate (expiry, chain, self-signed, unused blocks); none of them changes <c>Ready</c>.</summary>
internal static class ServerCertificateWarnings
{
    public static void Set(ConditionSet conditions, TlsInspection inspection, TimeSpan expiryWarning, CertificateFlow flow, DateTimeOffset now)
    {
        if (inspection is not { Leaf: { } leaf, Chain: { } chain })
        {
            return;
        }

        SetExpiry(conditions, leaf.NotAfter, expiryWarning, flow, now);
        if (chain.RootReached)
        {
            conditions.Set(ServerCertificateConditions.ChainComplete, true, ServerCertificateReasons.ChainComplete, chain.Path.Length == 1
                ? "The certificate is self-signed: it is its own root and is served alone."
                : $"The chain reaches the self-signed root {Names.Of(chain.Path[^1].SubjectName)}. Served: the leaf and {Count(chain.Served.Length - 1, "intermediate")}; " +
                  "the root is left out, as clients must already hold it to trust it.");
        }
        else
        {
            conditions.Set(ServerCertificateConditions.ChainComplete, false, ServerCertificateReasons.ChainIncomplete,
                $"No certificate in tls.crt or ca.crt is the issuer {chain.MissingIssuer} of {Names.Of(chain.Path[^1].SubjectName)}. " +
                "Clients that do not already hold it cannot verify the server: add that issuer (and its issuers up to the root) to tls.crt or ca.crt.");
        }

        if (CertificatePaths.IsSelfSigned(leaf))
        {
            var source = flow == CertificateFlow.SelfSigned ? "the generated bootstrap certificate" : "a self-signed certificate";
            conditions.Set(ServerCertificateConditions.SelfSigned, true, ServerCertificateReasons.SelfSignedInUse,
                $"The server presents {source}, which clients trust only if they pin it. Replace it with a CA-issued certificate: " +
                "point spec.secretRef at a kubernetes.io/tls Secret (e.g. one cert-manager writes) instead of spec.selfSigned.");
        }
        else
        {
            conditions.Set(ServerCertificateConditions.SelfSigned, false, ServerCertificateReasons.CaIssued,
                $"The certificate is issued by {Names.Of(leaf.IssuerName)}.");
        }

        if (!inspection.Unused.IsEmpty)
        {
            conditions.Set(ServerCertificateConditions.UnusedCertificates, true, ServerCertificateReasons.CertificatesNotInChain,
                $"tls.crt holds blocks that are not served: {string.Join("; ", inspection.Unused)}. Remove them so the Secret says what is served.");
        }
    }

    private static void SetExpiry(ConditionSet conditions, DateTime notAfterLocal, TimeSpan expiryWarning, CertificateFlow flow, DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(notAfterLocal.ToUniversalTime());
        var renew = flow switch
        {
            CertificateFlow.SelfSigned => "The operator renews the bootstrap certificate by itself.",
            CertificateFlow.Csr => "Have the CA sign status.csr.renewal.request (the next key's request) and bring the certificate back.",
            _ => "Renew it: cert-manager does on its own schedule (check its Certificate); otherwise replace tls.crt and tls.key in the Secret.",
        };
        if (now >= notAfter)
        {
            conditions.Set(ServerCertificateConditions.ExpiringSoon, true, ServerCertificateReasons.Expired,
                $"The certificate expired at {TlsSecretInspector.Timestamp(notAfter)}. {renew}");
        }
        else if (now >= notAfter - expiryWarning)
        {
            var days = ((int)Math.Floor((notAfter - now).TotalDays)).ToString(CultureInfo.InvariantCulture);
            conditions.Set(ServerCertificateConditions.ExpiringSoon, true, ServerCertificateReasons.ExpiringSoon,
                $"The certificate expires at {TlsSecretInspector.Timestamp(notAfter)}, in {days} days, within the warning window of {Count((int)expiryWarning.TotalDays, "day")}. {renew}");
        }
        else
        {
            conditions.Set(ServerCertificateConditions.ExpiringSoon, false, ServerCertificateReasons.NotExpiringSoon,
                $"The certificate is valid until {TlsSecretInspector.Timestamp(notAfter)}.");
        }
    }

    private static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");
}
