using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Evaluation;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.ServerCertificates;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Whatever lands in a TLS Secret, evaluation answers with a status, never an exception.</summary>
public sealed class ServerCertificateEvaluatorFuzzTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot();
    private static readonly ServerCertificateEvaluator s_evaluator = new();

    private static V1Secret Secret(byte[] crt, byte[] key) => new()
    {
        Metadata = new V1ObjectMeta { Name = SecretName, NamespaceProperty = Namespace },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]> { ["tls.crt"] = crt, ["tls.key"] = key },
    };

    private static void AssertRefusedWithAReason(V1Secret secret)
    {
        var result = s_evaluator.Evaluate(FromSecret("api.example.com"), Context(secret));

        var ready = Ready(result);
        Assert.Equal("False", ready.Status);
        Assert.False(string.IsNullOrWhiteSpace(ready.Reason));
        Assert.False(string.IsNullOrWhiteSpace(ready.Message));
        Assert.Null(result.Identity);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1623);
        for (var i = 0; i < 300; i++)
        {
            var crt = new byte[random.Next(0, 400)];
            var key = new byte[random.Next(0, 400)];
            random.NextBytes(crt);
            random.NextBytes(key);
            if (i % 3 == 0 && crt.Length > 0)
            {
                crt[0] = 0x30;
            }

            AssertRefusedWithAReason(Secret(crt, key));
        }
    }

    [Fact]
    public void Random_text_in_pem_armour_never_throws()
    {
        var random = new Random(6125);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n -:";
        string Noise(int n) => new([.. Enumerable.Range(0, n).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        for (var i = 0; i < 300; i++)
        {
            var crt = $"-----BEGIN CERTIFICATE-----\n{Noise(random.Next(0, 300))}\n-----END CERTIFICATE-----\n{Noise(20)}";
            var key = $"-----BEGIN {(i % 2 == 0 ? "EC " : "")}PRIVATE KEY-----\n{Noise(random.Next(0, 200))}\n-----END {(i % 2 == 0 ? "EC " : "")}PRIVATE KEY-----\n";
            AssertRefusedWithAReason(Secret(Encoding.UTF8.GetBytes(crt), Encoding.UTF8.GetBytes(key)));
        }
    }

    [Fact]
    public void Corrupted_real_certificates_and_keys_never_throw()
    {
        var leaf = s_ca.IssueServer("api.example.com");
        var crt = Encoding.UTF8.GetBytes(PemExport.Certificate(leaf));
        var key = Encoding.UTF8.GetBytes(PemExport.PrivateKey(leaf));
        var random = new Random(5280);
        for (var i = 0; i < 200; i++)
        {
            var (target, other) = i % 2 == 0 ? ((byte[])crt.Clone(), key) : ((byte[])key.Clone(), crt);
            var position = random.Next(28, target.Length - 26);
            target[position] = (byte)"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"[random.Next(38)];
            var secret = i % 2 == 0 ? Secret(target, other) : Secret(other, target);

            var result = s_evaluator.Evaluate(FromSecret("api.example.com"), Context(secret));

            var ready = Ready(result);
            Assert.Equal(ready.Status == "True", result.Identity is not null);
        }
    }
}
