using k8s.Models;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The TLS material a ServerCertificate will serve, and the bootstrap Secret to write when it was just generated.</summary>
/// <param name="Inspection">The material, inspected.</param>
/// <param name="Write">The Secret to write, or null when nothing must be written.</param>
/// <param name="Next">The key generated ahead for the next certificate, when there is one.</param>
internal sealed record CertificateSource(TlsInspection Inspection, V1Secret? Write, Pki.Keys.PrivateKey? Next = null);
