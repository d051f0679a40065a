using System.Security.Cryptography.X509Certificates;
using MtlsOperator.ProxyTests.Infrastructure;
using TestPki;

namespace MtlsOperator.ProxyTests.Check;

/// <summary>The files a user hands to <c>check</c>: trust, client certificates and manifests, in a directory of their own.</summary>
public sealed class CheckFiles : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mtls-check-").FullName;

    public string Pem(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string ServerRoot() => Pem("server-root.pem", PemExport.Certificate(ProxyPki.Instance.ServerRoot.Certificate));

    /// <summary>The client's certificate and key as two PEM files, as <c>--cert</c> and <c>--key</c> take them.</summary>
    public (string Cert, string Key) Client(X509Certificate2 client, string name)
    {
        var chain = PemExport.Certificates([client, ProxyPki.Instance.ClientIssuing.Certificate]);
        return (Pem(name + ".crt", chain), Pem(name + ".key", PemExport.PrivateKey(client)));
    }

    /// <summary>The manifests of <paramref name="scenario"/> for the running <paramref name="listener"/> (same names and ports).</summary>
    public string Manifests(RunningListener listener, ListenerScenario scenario, string name = "listener.yaml") =>
        Pem(name, ListenerManifests.Yaml(listener.Kind, scenario, listener.Name, listener.Port, listener.Upstream.Port));

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
