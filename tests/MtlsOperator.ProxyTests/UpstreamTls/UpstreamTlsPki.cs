using System.Security.Cryptography.X509Certificates;
using TestPki;

namespace MtlsOperator.ProxyTests.UpstreamTls;

/// <summary>The app's side of TLS to the upstream, generated once per run: the app's own CA (not the clients'), the app's
/// certificate for <see cref="Name"/>, one for another name of the same CA, one for the right name from a CA the listener does not
/// trust, and the client certificate the proxy presents to the app.</summary>
public sealed class UpstreamTlsPki
{
    public const string Name = "app.internal";

    private static readonly Lazy<UpstreamTlsPki> s_instance = new(() => new UpstreamTlsPki());

    private UpstreamTlsPki()
    {
        AppRoot = TestCertificateAuthority.CreateRoot("CN=App Root,O=App");
        App = AppRoot.IssueServer(Name);
        WrongName = AppRoot.IssueServer("other.internal");
        var impostor = TestCertificateAuthority.CreateRoot("CN=App Root,O=App");
        Untrusted = impostor.IssueServer(Name);
        ProxyClient = AppRoot.IssueClient("CN=mtls-proxy,O=App");
    }

    public static UpstreamTlsPki Instance => s_instance.Value;

    public TestCertificateAuthority AppRoot { get; }

    /// <summary>The app's certificate: <see cref="Name"/>, issued by <see cref="AppRoot"/>.</summary>
    public X509Certificate2 App { get; }

    /// <summary>Issued by <see cref="AppRoot"/> for another name.</summary>
    public X509Certificate2 WrongName { get; }

    /// <summary>The right name, from a CA of the same name as <see cref="AppRoot"/> with another key: only the signature tells them apart.</summary>
    public X509Certificate2 Untrusted { get; }

    /// <summary>The certificate the proxy presents to the app (clientAuth, issued by <see cref="AppRoot"/>).</summary>
    public X509Certificate2 ProxyClient { get; }

    public string AppRootPem => PemExport.Certificate(AppRoot.Certificate);
}
