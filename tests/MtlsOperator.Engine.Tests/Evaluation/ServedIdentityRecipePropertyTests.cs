using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Tests.Properties;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.ServerCertificates;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Whatever a TLS Secret holds — the leaf anywhere in tls.crt, intermediates and roots in tls.crt or ca.crt, duplicates,
/// strangers — a listener answered from the small form gets exactly what evaluating the certificate gives: the same served chain and
/// key text, or the same Ready message when it cannot be served.</summary>
public sealed class ServedIdentityRecipePropertyTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Recipe Root,O=Test");
    private static readonly TestCertificateAuthority s_intermediate = s_root.CreateIntermediate("CN=Recipe Intermediate,O=Test");
    private static readonly TestCertificateAuthority s_stranger = TestCertificateAuthority.CreateRoot("CN=Recipe Stranger,O=Test");
    private static readonly X509Certificate2[] s_leaves =
    [
        s_intermediate.IssueServer("web.example.com"),
        s_root.IssueServer("web.example.com"),
        s_stranger.IssueServer("other.example.com"),
    ];

    [Fact]
    public void The_small_form_answers_as_the_evaluation_for_any_layout_of_the_tls_secret()
    {
        var servable = new int[2];
        Seeded.ForAll(defaultSeed: 4711, cases: 40, (random, _) =>
        {
            var leaf = s_leaves[random.Next(s_leaves.Length)];
            var others = new[] { s_intermediate.Certificate, s_root.Certificate, s_stranger.Certificate, leaf }
                .Where(_ => random.Next(2) == 0).ToList();
            var inCrt = others.Where(_ => random.Next(2) == 0).Append(leaf).OrderBy(_ => random.Next()).ToArray();
            var inCa = others.Except(inCrt).OrderBy(_ => random.Next()).ToArray();
            var secret = TlsSecret(PemExport.Certificates(inCrt), PemExport.PrivateKey(leaf), inCa.Length == 0 ? null : PemExport.Certificates(inCa));
            (secret.Metadata.Uid, secret.Metadata.ResourceVersion) = ("secret-uid", "1");
            var certificate = FromSecret("web.example.com");
            (certificate.Metadata.Uid, certificate.Metadata.ResourceVersion) = ("cert-uid", "1");
            var layout = $"tls.crt [{string.Join(", ", inCrt.Select(c => c.Subject))}], ca.crt [{string.Join(", ", inCa.Select(c => c.Subject))}]";

            var shared = new SharedEvaluations();
            var own = new TrustEngine(shared).Evaluate(certificate, new EvaluationContext(ResourceSnapshot.Of([certificate, secret]), Now));
            Crowd(shared);
            var evaluated = 0;
            var consumed = shared.Certificate(certificate, new EvaluationContext(ResourceSnapshot.Of([certificate, secret]), Now.AddSeconds(1), AllowBootstrapGeneration: false),
                (c, context) => { evaluated++; return new TrustEngine().Evaluate(c, context); });

            Assert.True(evaluated == 0, $"evaluated again for {layout}");
            Assert.True(own.Identity?.ChainPem == consumed.Identity?.ChainPem, $"chain differs for {layout}");
            Assert.True(own.Identity?.KeyPem == consumed.Identity?.KeyPem, $"key differs for {layout}");
            Assert.True(ReadyOf(own) == ReadyOf(consumed) || own.Identity is not null, $"Ready message differs for {layout}");
            servable[own.Identity is null ? 0 : 1]++;
        });

        Assert.True(servable[0] > 3 && servable[1] > 3, $"servable {servable[1]}, not {servable[0]}");
    }

    private static string? ReadyOf(ServerCertificateEvaluation result) =>
        result.Status.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Message;

    private static void Crowd(SharedEvaluations shared)
    {
        var status = new ServerCertificateStatus();
        foreach (var i in Enumerable.Range(0, SharedEvaluations.CertificateCapacity))
        {
            var other = FromSecret("web.example.com");
            (other.Metadata.Name, other.Metadata.Uid, other.Metadata.ResourceVersion) = ($"crowd{i}", $"crowd{i}-uid", "1");
            shared.Certificate(other, new EvaluationContext(ResourceSnapshot.Of([other]), Now), (_, _) => new ServerCertificateEvaluation(status, null, null, null));
        }
    }
}
