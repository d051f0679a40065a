using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Engine.SigningRequests;

/// <summary>The signed certificate of the CSR flow as brought back: its bytes and optional separate chain, or why it cannot be
/// read, or nothing yet.</summary>
/// <param name="Source">Where it came from, for messages (e.g. <c>spec.csr.certificate (Secret apps/api-signed, key tls.crt)</c>).</param>
/// <param name="Bytes">The certificate PEM, or null when nothing has come back.</param>
/// <param name="Chain">The separate chain, when given.</param>
/// <param name="Problem">Why it cannot be used, other than not being there yet.</param>
internal sealed record SignedSource(string Source, byte[]? Bytes, byte[]? Chain, CertificateProblem? Problem)
{
    public static SignedSource Read(CsrSpec csr, string ns, IResourceLookup lookup, byte[]? storedBySigner)
    {
        if (csr.SigningRequest is not null)
        {
            return new SignedSource("the certificate issued for the CertificateSigningRequest", storedBySigner, ChainOf(csr, ns, lookup, out var problem), problem);
        }

        if (csr.Certificate is not { } source)
        {
            return new SignedSource("spec.csr.certificate", null, null, null);
        }

        var where = source.Secret is { } s ? $"spec.csr.certificate (Secret {ns}/{s.Name}, key {s.Key})"
            : source.ConfigMap is { } c ? $"spec.csr.certificate (ConfigMap {ns}/{c.Name}, key {c.Key})"
            : "spec.csr.certificate.inline";
        var read = DataSourceReader.Read(source, "spec.csr.certificate", ns, lookup);
        if (read.Bytes is null)
        {
            // Not there yet is the normal state between asking the CA and hearing back: still awaiting, with the reason why.
            return read.Reason == DataSourceReasons.SourceNotFound
                ? new SignedSource(where, null, null, null) { Missing = read.Message }
                : new SignedSource(where, null, null, new CertificateProblem(read.Reason!, read.Message!));
        }

        var chain = ChainOf(csr, ns, lookup, out var chainProblem);
        return new SignedSource(where, read.Bytes, chain, chainProblem);
    }

    /// <summary>Why the referenced certificate is not there yet (the reader's message), when it is not.</summary>
    public string? Missing { get; init; }

    private static byte[]? ChainOf(CsrSpec csr, string ns, IResourceLookup lookup, out CertificateProblem? problem)
    {
        problem = null;
        if (csr.Chain is not { } chain)
        {
            return null;
        }

        var read = DataSourceReader.Read(chain, "spec.csr.chain", ns, lookup);
        if (read.Bytes is null)
        {
            problem = new CertificateProblem(read.Reason!, read.Message!);
        }

        return read.Bytes;
    }
}
