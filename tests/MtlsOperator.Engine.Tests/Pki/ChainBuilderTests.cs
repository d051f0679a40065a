using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class ChainBuilderTests
{
    [Fact]
    public void Chain_is_built_from_candidates_in_any_order()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var first = root.CreateIntermediate("CN=Intermediate 1");
        var second = first.CreateIntermediate("CN=Intermediate 2", TestKeyKind.Rsa2048);
        var leaf = second.IssueServer("a.example.com");

        var chain = ChainBuilder.Build(leaf, [root.Certificate, first.Certificate, second.Certificate]);

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

        var chain = ChainBuilder.Build(leaf, [root.Certificate]);

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

        var chain = ChainBuilder.Build(leaf, [impostor.Certificate]);

        Assert.False(chain.RootReached);
        Assert.Equal("CN=Same Name CA", chain.MissingIssuer);
    }

    [Fact]
    public void Rsa_signatures_are_verified()
    {
        var root = TestCertificateAuthority.CreateRoot(key: TestKeyKind.Rsa2048);
        var leaf = root.IssueServer(new LeafOptions { Key = TestKeyKind.Rsa2048, DnsNames = ["a.example.com"] });

        Assert.True(ChainBuilder.Build(leaf, [root.Certificate]).RootReached);
    }

    [Fact]
    public void Self_signed_leaf_is_its_own_root_and_is_still_served()
    {
        var root = TestCertificateAuthority.CreateRoot("CN=a.example.com");

        var chain = ChainBuilder.Build(root.Certificate, []);

        Assert.True(chain.RootReached);
        Assert.Equal([root.Certificate], chain.Served.ToArray());
    }

    [Fact]
    public void Duplicate_candidates_do_not_repeat_in_the_path()
    {
        var root = TestCertificateAuthority.CreateRoot();
        var intermediate = root.CreateIntermediate();
        var leaf = intermediate.IssueServer("a.example.com");

        var chain = ChainBuilder.Build(leaf, [intermediate.Certificate, intermediate.Certificate, leaf, root.Certificate]);

        Assert.Equal([leaf, intermediate.Certificate, root.Certificate], chain.Path.ToArray());
    }
}
