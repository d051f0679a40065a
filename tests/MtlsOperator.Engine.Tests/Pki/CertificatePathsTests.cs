using MtlsOperator.Engine.Pki;
using System.Security.Cryptography.X509Certificates;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class CertificatePathsTests
{
    [Fact]
    public void Chain_is_built_from_candidates_in_any_order()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var first = root.CreateIntermediate("CN=Intermediate 1");
        var second = first.CreateIntermediate("CN=Intermediate 2", TestKeyKind.Rsa2048);
        var leaf = second.IssueServer("a.example.com");

        var chain = CertificatePaths.BuildServed(leaf, [root.Certificate, first.Certificate, second.Certificate]);

        Assert.True(chain.RootReached);
        Assert.Equal([leaf, second.Certificate, first.Certificate, root.Certificate], chain.Path.ToArray());
        Assert.Equal([leaf, second.Certificate, first.Certificate], chain.Served.ToArray());
    }

    [Fact]
    public void Missing_intermediate_leaves_the_chain_incomplete_naming_the_issuer()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var intermediate = root.CreateIntermediate("CN=Absent Intermediate,O=Test");
        var leaf = intermediate.IssueServer("a.example.com");

        var chain = CertificatePaths.BuildServed(leaf, [root.Certificate]);

        Assert.False(chain.RootReached);
        Assert.Equal([leaf], chain.Path.ToArray());
        Assert.Contains("CN=Absent Intermediate", chain.MissingIssuer, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_with_the_right_name_but_another_key_is_not_taken_as_issuer()
    {
        var real = TestCertificateAuthority.CreateRoot("CN=Same Name CA");
        var impostor = TestCertificateAuthority.CreateRoot("CN=Same Name CA");
        var leaf = real.IssueServer("a.example.com");

        var chain = CertificatePaths.BuildServed(leaf, [impostor.Certificate]);

        Assert.False(chain.RootReached);
        Assert.Equal("CN=Same Name CA", chain.MissingIssuer);
    }

    [Fact]
    public void Rsa_signatures_are_verified()
    {
        var root = TestCertificateAuthority.CreateRoot(key: TestKeyKind.Rsa2048);
        var leaf = root.IssueServer(new LeafOptions { Key = TestKeyKind.Rsa2048, DnsNames = ["a.example.com"] });

        Assert.True(CertificatePaths.BuildServed(leaf, [root.Certificate]).RootReached);
    }

    [Fact]
    public void Self_signed_leaf_is_its_own_root_and_is_still_served()
    {
        var root = TestCertificateAuthority.CreateRoot("CN=a.example.com");

        var chain = CertificatePaths.BuildServed(root.Certificate, []);

        Assert.True(chain.RootReached);
        Assert.Equal([root.Certificate], chain.Served.ToArray());
    }

    [Fact]
    public void Duplicate_candidates_do_not_repeat_in_the_path()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var intermediate = root.CreateIntermediate();
        var leaf = intermediate.IssueServer("a.example.com");

        var chain = CertificatePaths.BuildServed(leaf, [intermediate.Certificate, intermediate.Certificate, leaf, root.Certificate]);

        Assert.Equal([leaf, intermediate.Certificate, root.Certificate], chain.Path.ToArray());
    }

    [Fact]
    public void Expired_intermediate_fails_verification_at_a_time_after_it_and_passes_with_time_ignored()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var intermediate = root.CreateIntermediate(notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var leaf = intermediate.IssueClient();

        var now = CertificatePaths.Build(leaf, [root.Certificate], [intermediate.Certificate], DateTimeOffset.UtcNow);
        var timeless = CertificatePaths.Build(leaf, [root.Certificate], [intermediate.Certificate], null);

        Assert.True(now.Flags.HasFlag(X509ChainStatusFlags.NotTimeValid));
        Assert.Equal(X509ChainStatusFlags.NoError, timeless.Flags);
        Assert.True(timeless.RootReached);
    }

    [Fact]
    public void Intermediate_among_the_anchors_is_not_a_root_without_its_own_issuer()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var intermediate = root.CreateIntermediate();
        var leaf = intermediate.IssueClient();

        var check = CertificatePaths.Build(leaf, [intermediate.Certificate], [], DateTimeOffset.UtcNow);

        Assert.False(check.RootReached);
    }

    [Fact]
    public void Self_signed_is_decided_by_the_verifier_and_a_tampered_self_signature_still_is_one_as_in_openssl()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var raw = root.Certificate.RawData.ToArray();
        raw[^3] ^= 0x5A;
        var tampered = X509CertificateLoader.LoadCertificate(raw);
        var intermediate = root.CreateIntermediate();

        Assert.True(CertificatePaths.IsSelfSigned(root.Certificate));
        Assert.True(CertificatePaths.IsSelfSigned(tampered));
        Assert.False(CertificatePaths.IsSelfSigned(intermediate.Certificate));
    }

    [SkippableFact]
    public void Verdicts_equal_openssl_verify_with_the_same_trust()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl not installed");
        var root = TestCertificateAuthority.CreateRoot("CN=Paths Root");
        var impostor = TestCertificateAuthority.CreateRoot("CN=Paths Root");
        var intermediate = root.CreateIntermediate("CN=Paths Issuing");
        var expired = root.CreateIntermediate("CN=Paths Old", notBefore: DateTimeOffset.UtcNow.AddDays(-9), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        var cases = new (X509Certificate2 Leaf, X509Certificate2[] Anchors, X509Certificate2[] Untrusted)[]
        {
            (intermediate.IssueClient(), [root.Certificate], [intermediate.Certificate]),
            (intermediate.IssueClient(), [impostor.Certificate], [intermediate.Certificate]),
            (intermediate.IssueClient(), [root.Certificate], []),
            (intermediate.IssueClient(), [intermediate.Certificate], []),
            (expired.IssueClient(), [root.Certificate], [expired.Certificate]),
            (root.IssueClient(), [impostor.Certificate, root.Certificate], []),
        };

        using var dir = new TempDirectory();
        for (var i = 0; i < cases.Length; i++)
        {
            var (leaf, anchors, untrusted) = cases[i];
            File.WriteAllText(Path.Combine(dir.Directory, "ca.pem"), string.Concat(anchors.Select(PemExport.Certificate)));
            File.WriteAllText(Path.Combine(dir.Directory, "untrusted.pem"), string.Concat(untrusted.Select(PemExport.Certificate)));
            File.WriteAllText(Path.Combine(dir.Directory, "leaf.pem"), PemExport.Certificate(leaf));
            string[] args = untrusted.Length > 0
                ? ["verify", "-CAfile", "ca.pem", "-untrusted", "untrusted.pem", "leaf.pem"]
                : ["verify", "-CAfile", "ca.pem", "leaf.pem"];
            bool openssl;
            try
            {
                OpensslCli.Run(dir.Directory, args);
                openssl = true;
            }
            catch (InvalidOperationException)
            {
                openssl = false;
            }

            var check = CertificatePaths.Build(leaf, anchors, untrusted, DateTimeOffset.UtcNow);
            Assert.True(openssl == (check.RootReached && check.Flags == X509ChainStatusFlags.NoError), $"case {i}: openssl {openssl}, platform {check.Flags}");
        }
    }
}
