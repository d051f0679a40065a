using MtlsOperator.Engine.Pki;
using TestApiServer;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>N listeners in <c>apps</c>, each with its own ServerCertificate and TLS Secret, sharing one pinned policy
/// (<c>agents</c>) over one inline bundle (<c>corp</c>): the shape where one shared change fans out to every listener.</summary>
internal sealed record SharedBundleWorld(TestKubeApiServer Server, string RootPem)
{
    /// <summary>Seeds the world through the server's out-of-band writer, so the journal holds the operator's requests only.</summary>
    public static SharedBundleWorld Seed(TestKubeApiServer server, int listeners, string label)
    {
        var clients = TestCertificateAuthority.CreateRoot($"CN={label} Clients,O=Test");
        var servers = TestCertificateAuthority.CreateRoot($"CN={label} Servers,O=Test");
        var pin = CertificateFingerprints.Of(clients.IssueClient("CN=agent,O=Test")).Sha256;
        var rootPem = PemExport.Certificate(clients.Certificate);
        server.OutOfBand.Create(MtlsOperatorResources.TrustBundles, "apps", Manifests.InlineBundle("apps", "corp", rootPem));
        server.OutOfBand.Create(MtlsOperatorResources.ClientAuthPolicies, "apps", Manifests.PinnedPolicy("apps", "agents", "corp", ("sha256", pin)));
        for (var i = 0; i < listeners; i++)
        {
            var host = $"l{i}.example.com";
            server.OutOfBand.Create(ApiResource.Secrets, "apps", Manifests.TlsSecret("apps", $"tls-{i}", servers.IssueServer(host)));
            server.OutOfBand.Create(MtlsOperatorResources.ServerCertificates, "apps", Manifests.ServerCertificate("apps", $"cert-{i}", $"tls-{i}", host));
            server.OutOfBand.Create(MtlsOperatorResources.MtlsListeners, "apps", Manifests.Listener("apps", $"listener-{i}", $"cert-{i}", "agents"));
        }

        return new SharedBundleWorld(server, rootPem);
    }

    /// <summary>Replaces the bundle's inline source with its root and <paramref name="extraPem"/>.</summary>
    public void AddToBundle(string extraPem) =>
        Server.OutOfBand.Replace(MtlsOperatorResources.TrustBundles, "apps", Manifests.InlineBundle("apps", "corp", RootPem + extraPem));
}
