using System.Security.Cryptography.X509Certificates;
using k8s;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.ServerCertificates;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>The same certificate bytes in many TLS Secrets (the cluster's CA in every <c>tls.crt</c>) are decoded once and shared;
/// every evaluation still says exactly what it says for a Secret read on its own, repeats within one Secret included.</summary>
public sealed class SharedCertificateBytesTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Shared Bytes Root,O=Corp");
    private static readonly TestCertificateAuthority s_intermediate = s_root.CreateIntermediate("CN=Shared Bytes Issuing CA,O=Corp");

    private static X509Certificate2 Leaf(string name) => s_intermediate.IssueServer(name);

    private static string Json(ServerCertificateEvaluation result) =>
        KubernetesJson.Serialize(result.Status) + "\n" + result.Identity?.ChainPem + result.Identity?.KeyPem;

    private static string? Unused(ServerCertificateEvaluation result) =>
        result.Status.Conditions.SingleOrDefault(c => c.Type == ServerCertificateConditions.UnusedCertificates && c.Status == "True")?.Message;

    [Fact]
    public void Every_secret_sharing_the_ca_is_ready_with_its_own_leaf_and_chain()
    {
        for (var i = 0; i < 12; i++)
        {
            var leaf = Leaf($"app{i}.example.com");

            var result = Evaluate(FromSecret($"app{i}.example.com"), TlsSecret(leaf, s_intermediate.Certificate));

            Assert.Equal("True", Ready(result).Status);
            Assert.Equal(leaf.SerialNumber, result.Status.SerialNumber);
            Assert.Equal(Names.Of(s_intermediate.Certificate.SubjectName), result.Status.Issuer);
            Assert.Equal(PemExport.Certificates([leaf, s_intermediate.Certificate]), result.Identity!.ChainPem);
            Assert.Null(Unused(result));
        }
    }

    [Fact]
    public void A_ca_written_twice_in_tls_crt_is_reported_as_appearing_more_than_once_every_time()
    {
        var leaf = Leaf("twice.example.com");
        var secret = TlsSecret(leaf, s_intermediate.Certificate, s_intermediate.Certificate);

        for (var i = 0; i < 3; i++)
        {
            var result = Evaluate(FromSecret("twice.example.com"), secret);

            Assert.Equal("True", Ready(result).Status);
            var unused = Unused(result);
            Assert.Contains($"certificate {Names.Of(s_intermediate.Certificate.SubjectName)} appears more than once", unused, StringComparison.Ordinal);
            Assert.DoesNotContain("not part of the chain", unused, StringComparison.Ordinal);
            Assert.Equal(PemExport.Certificates([leaf, s_intermediate.Certificate]), result.Identity!.ChainPem);
        }
    }

    [Fact]
    public void A_leaf_written_twice_in_tls_crt_is_reported_as_appearing_more_than_once()
    {
        var leaf = Leaf("leaf-twice.example.com");
        var secret = TlsSecret(leaf, leaf, s_intermediate.Certificate);

        for (var i = 0; i < 3; i++)
        {
            var result = Evaluate(FromSecret("leaf-twice.example.com"), secret);

            Assert.Equal("True", Ready(result).Status);
            var unused = Unused(result);
            Assert.Contains($"certificate {Names.Of(leaf.SubjectName)} appears more than once", unused, StringComparison.Ordinal);
            Assert.DoesNotContain("not part of the chain", unused, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_ca_in_both_tls_crt_and_ca_crt_is_part_of_the_chain_and_not_reported()
    {
        var leaf = Leaf("both.example.com");
        var secret = TlsSecret(PemExport.Certificates([leaf, s_intermediate.Certificate, s_root.Certificate]), PemExport.PrivateKey(leaf),
            PemExport.Certificates([s_root.Certificate, s_intermediate.Certificate]));

        for (var i = 0; i < 3; i++)
        {
            var result = Evaluate(FromSecret("both.example.com"), secret);

            Assert.Equal("True", Ready(result).Status);
            Assert.Null(Unused(result));
            Assert.Equal("True", Condition(result, ServerCertificateConditions.ChainComplete).Status);
            Assert.Equal(PemExport.Certificates([leaf, s_intermediate.Certificate]), result.Identity!.ChainPem);
        }
    }

    [Fact]
    public void A_secret_with_a_damaged_ca_copy_does_not_change_what_a_secret_with_the_intact_ca_gets()
    {
        var leaf = Leaf("intact.example.com");
        var damaged = s_intermediate.Certificate.RawData;
        damaged[^3] ^= 0x5A; // inside the signature: still decodes, no longer verifies
        var good = TlsSecret(leaf, s_intermediate.Certificate);
        var bad = TlsSecret(PemExport.Certificate(leaf) + new PemBlock(PemLabels.Certificate, damaged).ToPem(), PemExport.PrivateKey(leaf));
        var goodAlone = Json(Evaluate(FromSecret("intact.example.com"), good));
        var badAlone = Json(Evaluate(FromSecret("intact.example.com"), bad));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(badAlone, Json(Evaluate(FromSecret("intact.example.com"), bad)));
            Assert.Equal(goodAlone, Json(Evaluate(FromSecret("intact.example.com"), good)));
        }

        Assert.NotEqual(goodAlone, badAlone);
    }

    [Fact]
    public void Evaluations_are_unchanged_after_the_cache_has_been_filled_past_its_capacity()
    {
        var leaf = Leaf("full.example.com");
        var secret = TlsSecret(PemExport.Certificates([leaf, s_intermediate.Certificate, s_intermediate.Certificate]), PemExport.PrivateKey(leaf),
            PemExport.Certificate(s_root.Certificate));
        var before = Json(Evaluate(FromSecret("full.example.com"), secret));

        var keyHolder = s_root.IssueServer("filler.example.com");
        var capacity = DecodedCertificates.Shared.Capacity;
        for (var i = 0; i < capacity + 64; i++)
        {
            var der = s_root.IssueServer(new LeafOptions { DnsNames = [$"filler{i}.example.com"], KeyOf = keyHolder }).RawData;
            CertificateDecoding.TryLoad(der, out _);
            CertificateDecoding.TryLoad(der, out _);
        }

        Assert.True(DecodedCertificates.Shared.Count <= capacity, $"{DecodedCertificates.Shared.Count} held, capacity {capacity}");
        Assert.Equal(before, Json(Evaluate(FromSecret("full.example.com"), secret)));
    }
}
