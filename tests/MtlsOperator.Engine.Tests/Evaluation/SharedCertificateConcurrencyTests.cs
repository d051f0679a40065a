using System.Security.Cryptography.X509Certificates;
using CsCheck;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.ServerCertificates;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Several threads evaluating a seeded random mix of TLS Secrets that share their CA certificates (valid, CA repeated,
/// root included, wrong key, a damaged block, nothing readable): every evaluation gives exactly the status of the same Secret
/// evaluated alone, and every certificate read is the one its bytes say. CsCheck prints the seed on failure; replay with
/// <c>CsCheck_Seed</c>.</summary>
public sealed class SharedCertificateConcurrencyTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Concurrent Root,O=Corp");
    private static readonly TestCertificateAuthority s_intermediate = s_root.CreateIntermediate("CN=Concurrent Issuing CA,O=Corp");
    private static readonly X509Certificate2[] s_leaves = [.. Enumerable.Range(0, 6).Select(i => s_intermediate.IssueServer($"c{i}.example.com"))];

    private enum Shape
    {
        Valid,
        CaRepeated,
        RootIncluded,
        WrongKey,
        DamagedBlock,
        Unreadable,
    }

    private sealed record Case(Shape Shape, int Leaf, V1Secret Secret, string Expected, IReadOnlyList<byte[]> TlsCrtCertificates);

    private static readonly Case[] s_cases = [.. Enum.GetValues<Shape>().SelectMany(shape => s_leaves.Select((_, i) => Make(shape, i)))];

    [Fact]
    public void Concurrent_evaluations_of_secrets_sharing_cas_match_each_secret_evaluated_alone()
    {
        Gen.Int[0, s_cases.Length - 1].Sample(index =>
        {
            var c = s_cases[index];

            var result = Evaluate(FromSecret(Host(c.Leaf)), c.Secret);

            Assert.Equal(c.Expected, Json(result));
            Assert.Equal(c.Shape is Shape.WrongKey or Shape.Unreadable ? "False" : "True", Ready(result).Status);
            var unused = result.Status.Conditions.SingleOrDefault(x => x.Type == ServerCertificateConditions.UnusedCertificates && x.Status == "True")?.Message;
            switch (c.Shape)
            {
                case Shape.Valid or Shape.RootIncluded:
                    Assert.Null(unused);
                    break;
                case Shape.CaRepeated:
                    Assert.Contains($"certificate {Names.Of(s_intermediate.Certificate.SubjectName)} appears more than once", unused, StringComparison.Ordinal);
                    break;
                case Shape.DamagedBlock:
                    Assert.Contains("certificate 3 is not a valid X.509 certificate", unused, StringComparison.Ordinal);
                    break;
            }

            var read = CertificateBundle.Read(c.Secret.Data["tls.crt"]).Certificates;
            Assert.Equal(c.TlsCrtCertificates.Count, read.Length);
            for (var i = 0; i < read.Length; i++)
            {
                Assert.Equal(c.TlsCrtCertificates[i], read[i].RawData);
            }
        }, iter: 400, threads: 4);
    }

    private static string Host(int leaf) => $"c{leaf}.example.com";

    private static Case Make(Shape shape, int index)
    {
        var leaf = s_leaves[index];
        var ca = s_intermediate.Certificate;
        var damaged = new PemBlock(PemLabels.Certificate, new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 }).ToPem();
        var (crt, key, caCrt, certificates) = shape switch
        {
            Shape.Valid => (PemExport.Certificates([leaf, ca]), PemExport.PrivateKey(leaf), PemExport.Certificate(s_root.Certificate), new[] { leaf, ca }),
            Shape.CaRepeated => (PemExport.Certificates([leaf, ca, ca]), PemExport.PrivateKey(leaf), null, [leaf, ca, ca]),
            Shape.RootIncluded => (PemExport.Certificates([leaf, ca, s_root.Certificate]), PemExport.PrivateKey(leaf), PemExport.Certificate(ca), [leaf, ca, s_root.Certificate]),
            Shape.WrongKey => (PemExport.Certificates([leaf, ca]), PemExport.PrivateKey(s_leaves[(index + 1) % s_leaves.Length]), null, [leaf, ca]),
            Shape.DamagedBlock => (PemExport.Certificates([leaf, ca]) + damaged, PemExport.PrivateKey(leaf), null, [leaf, ca]),
            _ => (damaged, PemExport.PrivateKey(leaf), null, Array.Empty<X509Certificate2>()),
        };
        var secret = TlsSecret(crt, key, caCrt);

        // Evaluated alone, before any thread starts: what every concurrent evaluation must say.
        var expected = Json(Evaluate(FromSecret(Host(index)), secret));
        return new Case(shape, index, secret, expected, [.. certificates.Select(c => c.RawData)]);
    }

    private static string Json(ServerCertificateEvaluation result) =>
        KubernetesJson.Serialize(result.Status) + "\n" + result.Identity?.ChainPem + result.Identity?.KeyPem;
}
