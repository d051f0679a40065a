using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki.Keys;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.ServerCertificates;

namespace MtlsOperator.Engine.Tests.Pinning;

/// <summary>Every ServerCertificate publishes the SPKI pin of the key in use (and, for the flows whose keys the operator makes, of
/// the next key) in status and in a ConfigMap, so a client can pin both before a rotation.</summary>
public sealed class ServerPinsTests
{
    private static ServerCertificateEvaluation Run(ServerCertificate certificate, DateTimeOffset now, params k8s.IKubernetesObject<V1ObjectMeta>?[] world) =>
        new TrustEngine().Evaluate(certificate, Context([.. world.OfType<k8s.IKubernetesObject<V1ObjectMeta>>()]) with { Now = now });

    [SkippableFact]
    public void A_brought_certificate_publishes_the_pin_openssl_computes_for_its_key()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        var leaf = TestCertificateAuthority.CreateRoot().IssueServer("api.example.com");
        using var dir = new TempDirectory();
        dir.Write("leaf.crt", PemExport.Certificate(leaf));
        var spki = OpensslCli.Run(dir.Directory, ["x509", "-in", "leaf.crt", "-noout", "-pubkey"]);
        File.WriteAllBytes(Path.Combine(dir.Directory, "pub.pem"), spki);
        var der = OpensslCli.Run(dir.Directory, ["pkey", "-pubin", "-in", "pub.pem", "-outform", "DER"]);
        var expected = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(der));

        var result = Run(FromSecret("api.example.com"), Now, TlsSecret(leaf));

        var pin = Assert.Single(result.Status.Pins);
        Assert.Equal((ServerKeyPinRoles.Current, KeyAlgorithm.EcdsaP256, expected), (pin.Role, pin.KeyAlgorithm, pin.SpkiSha256));
        Assert.Equal(Convert.ToHexStringLower(Convert.FromBase64String(expected)), pin.SpkiSha256Hex);
        Assert.Equal("web-pins", result.Status.PinsConfigMapName);
        var map = result.PinsConfigMap!;
        Assert.Equal(expected + "\n", map.Data["spki-sha256.txt"]);
        Assert.Equal("sha256//" + expected + "\n", map.Data["pinnedpubkey.txt"]);
        Assert.Equal(expected, (string?)JsonNode.Parse(map.Data["pins.json"])![0]!["spkiSha256"]);
    }

    [Fact]
    public void A_secret_whose_key_does_not_match_publishes_no_pin()
    {
        var ca = TestCertificateAuthority.CreateRoot();
        var leaf = ca.IssueServer("api.example.com");
        var other = ca.IssueServer("api.example.com");

        var result = Run(FromSecret("api.example.com"), Now, TlsSecret(PemExport.Certificate(leaf), PemExport.PrivateKey(other)));

        Assert.Empty(result.Status.Pins);
        Assert.Null(result.PinsConfigMap);
    }

    [Fact]
    public void The_self_signed_bootstrap_keeps_its_next_key_in_its_secret_and_publishes_both_pins()
    {
        var result = Run(SelfSigned(["api.example.com"]), Now);

        var next = PrivateKey.Read(result.KeySecret!.Data["next.key"])!;
        Assert.Equal([ServerKeyPinRoles.Current, ServerKeyPinRoles.Next], result.Status.Pins.Select(p => p.Role));
        Assert.Equal(next.SpkiSha256, result.Status.Pins[1].SpkiSha256);
        Assert.Equal(2, result.PinsConfigMap!.Data["spki-sha256.txt"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void The_renewed_bootstrap_certificate_uses_the_key_pinned_as_next()
    {
        var certificate = SelfSigned(["api.example.com"], validityDays: 30);
        var first = Run(certificate, Now);
        var nextPin = first.Status.Pins.Single(p => p.Role == ServerKeyPinRoles.Next).SpkiSha256;

        var renewed = Run(certificate, Now.AddDays(25), first.KeySecret);

        Assert.Equal(nextPin, renewed.Status.Pins.Single(p => p.Role == ServerKeyPinRoles.Current).SpkiSha256);
        Assert.NotEqual(nextPin, renewed.Status.Pins.Single(p => p.Role == ServerKeyPinRoles.Next).SpkiSha256);
        Assert.Equal("True", Ready(renewed).Status);
    }

    [Fact]
    public void A_bootstrap_secret_from_before_next_keys_gains_one_once_and_keeps_its_certificate()
    {
        var certificate = SelfSigned(["api.example.com"]);
        var old = Run(certificate, Now).KeySecret!;
        old.Data.Remove("next.key");

        var upgraded = Run(certificate, Now.AddMinutes(1), old);
        var steady = Run(certificate, Now.AddMinutes(2), upgraded.KeySecret);

        Assert.Equal(Encoding.UTF8.GetString(old.Data["tls.crt"]), Encoding.UTF8.GetString(upgraded.KeySecret!.Data["tls.crt"]));
        Assert.Contains("next.key", upgraded.KeySecret.Data.Keys);
        Assert.Null(steady.KeySecret);
    }

    [Fact]
    public void A_foreign_configmap_under_the_pins_name_is_left_alone_and_ready_is_unaffected()
    {
        var leaf = TestCertificateAuthority.CreateRoot().IssueServer("api.example.com");
        var foreign = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "web-pins", NamespaceProperty = Namespace }, Data = new Dictionary<string, string>() };

        var result = Run(FromSecret("api.example.com"), Now, TlsSecret(leaf), foreign);

        Assert.Null(result.PinsConfigMap);
        Assert.Null(result.Status.PinsConfigMapName);
        Assert.Single(result.Status.Pins);
        Assert.Equal(("False", ServerCertificateReasons.OutputConflict), (Condition(result, ServerCertificateConditions.PinsPublished).Status, Condition(result, ServerCertificateConditions.PinsPublished).Reason));
        Assert.Equal("True", Ready(result).Status);
    }
}
