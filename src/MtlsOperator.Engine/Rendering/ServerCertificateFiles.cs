namespace MtlsOperator.Engine.Rendering;

/// <summary>One server identity as files in the output Secret.</summary>
/// <param name="Name">The ServerCertificate resource name.</param>
/// <param name="Hostnames">SNI names it serves (may contain <c>*.</c> wildcards).</param>
/// <param name="CertificateFile">Key in the Secret holding leaf + chain PEM, e.g. <c>tls.crt</c>.</param>
/// <param name="KeyFile">Key in the Secret holding the private key PEM, e.g. <c>tls.key</c>.</param>
public sealed record ServerCertificateFiles(string Name, IReadOnlyList<string> Hostnames, string CertificateFile, string KeyFile)
{
    /// <summary>The key stem of a listener's <paramref name="index"/>-th server certificate: <c>tls</c> for the default (first),
    /// <c>sni-&lt;name&gt;</c> for the others (then <c>.crt</c> and <c>.key</c>).</summary>
    public static string StemOf(int index, string name) => index == 0 ? "tls" : "sni-" + name;
}
