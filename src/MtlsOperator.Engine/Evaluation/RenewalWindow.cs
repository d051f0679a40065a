using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>When the operator starts renewing a certificate it manages (the self-signed bootstrap, the CSR flow's next request).</summary>
internal static class RenewalWindow
{
    /// <summary>Renewal starts within the warning window, but no earlier than two thirds into the lifetime: a certificate
    /// valid for less than the window would otherwise be replaced on every reconcile.</summary>
    public static bool IsDue(X509Certificate2 leaf, TimeSpan expiryWarning, DateTimeOffset now) => now >= StartOf(leaf, expiryWarning);

    /// <summary>The moment renewal of <paramref name="leaf"/> becomes due.</summary>
    public static DateTimeOffset StartOf(X509Certificate2 leaf, TimeSpan expiryWarning)
    {
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        var lifetime = notAfter - new DateTimeOffset(leaf.NotBefore.ToUniversalTime());
        var lead = expiryWarning < lifetime / 3 ? expiryWarning : lifetime / 3;
        return notAfter - lead;
    }
}
