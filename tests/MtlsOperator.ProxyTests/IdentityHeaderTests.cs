using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>The verified client subject reaches the upstream in the configured header, only for admitted clients, and no client
/// can forge it (nor the well-known identity headers, nor their underscore spellings).</summary>
public abstract class IdentityHeaderTests(ListenerFixture fixture)
{
    private const string Header = ListenerScenario.IdentityHeaderName;

    protected ProxyPki Pki => ProxyPki.Instance;

    [SkippableFact]
    public async Task Upstream_receives_the_verified_subject_as_openssl_prints_it()
    {
        var listener = fixture.Listener;
        var result = await listener.GetAsync(Pki.Tricky);
        Expect.Admitted(listener, result);
        Assert.Equal(ProxyPki.SubjectOf(Pki.Tricky), EchoUpstream.HeadersIn(result.Body).GetValueOrDefault(Header.ToLowerInvariant()));
    }

    [SkippableFact]
    public async Task A_client_cannot_forge_identity_headers()
    {
        var listener = fixture.Listener;
        var forged = new Dictionary<string, string>
        {
            [Header] = "CN=admin,O=Corp",
            [Header.Replace('-', '_')] = "CN=admin,O=Corp",
            ["X-SSL-Client-DN"] = "CN=admin,O=Corp",
            ["X-Forwarded-Client-Cert"] = "Subject=\"CN=admin\"",
        };
        var result = await listener.GetAsync(Pki.Partner, headers: forged);
        Expect.Admitted(listener, result);
        var received = EchoUpstream.HeadersIn(result.Body);
        Assert.Equal(ProxyPki.SubjectOf(Pki.Partner), received.GetValueOrDefault(Header.ToLowerInvariant()));
        Assert.DoesNotContain(received, h => h.Key is "x_client_subject" or "x-ssl-client-dn" || h.Value.Contains("admin", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Upstream_receives_what_identifies_the_certificate_and_no_forged_copy_of_it()
    {
        var listener = fixture.Listener;
        var client = Pki.Tricky;
        var forged = ForwardedCertificate.Headers
            .SelectMany(h => new[] { h, h.Replace('-', '_').ToUpperInvariant(), string.Concat(h.Select((c, i) => i % 2 == 0 ? char.ToLowerInvariant(c) : c)) })
            .Distinct(StringComparer.Ordinal).ToDictionary(h => h, _ => "forged");

        var result = await listener.GetAsync(client, headers: forged);

        Expect.Admitted(listener, result);
        var received = EchoUpstream.HeadersIn(result.Body);
        var prints = CertificateFingerprints.Of(client);
        Assert.Equal(ProxyPki.SubjectOf(client), received.GetValueOrDefault(ForwardedCertificate.Subject.ToLowerInvariant()));
        Assert.Equal(DistinguishedName.Format(client.IssuerName), received.GetValueOrDefault(ForwardedCertificate.Issuer.ToLowerInvariant()));
        Assert.Equal(client.SerialNumber.TrimStart('0'), received.GetValueOrDefault(ForwardedCertificate.Serial.ToLowerInvariant())?.TrimStart('0'), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(prints.Sha1, received.GetValueOrDefault(ForwardedCertificate.Sha1.ToLowerInvariant()));
        var xfcc = received.GetValueOrDefault(ForwardedCertificate.Xfcc.ToLowerInvariant()) ?? "";
        Assert.EndsWith($";Subject=\"{ProxyPki.SubjectOf(client)}\"", xfcc, StringComparison.Ordinal);
        if (listener.Kind == ProxyKind.Haproxy)
        {
            Assert.Equal(prints.Sha256, received.GetValueOrDefault(ForwardedCertificate.Sha256.ToLowerInvariant()));
            Assert.StartsWith($"Hash={prints.Sha256};", xfcc, StringComparison.Ordinal);
        }
        else
        {
            Assert.False(received.ContainsKey(ForwardedCertificate.Sha256.ToLowerInvariant()), "nginx cannot compute it, so it must not pass a client's copy");
            var pem = Uri.UnescapeDataString(xfcc["Cert=".Length..xfcc.IndexOf(";Subject=", StringComparison.Ordinal)]);
            Assert.Equal(prints.Sha256, CertificateFingerprints.Of(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem)).Sha256);
        }

        Assert.DoesNotContain(received, h => h.Value.Contains("forged", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task No_spelling_of_an_identity_header_that_an_app_reads_alike_reaches_the_upstream()
    {
        var listener = fixture.Listener;
        string[] spellings = ["X-SSL_Client-DN", "x_ssl-client_dn", "X-Client_Subject", "x-client-SUBJECT", "X_CLIENT_SUBJECT", "x-Forwarded_Client-Cert",
            "X-CLIENT_CERT", "x-client-verify", "X_SSL_CLIENT_VERIFY", "X-Ssl-Client-Cert"];
        var forged = spellings.ToDictionary(s => s, _ => "CN=admin,O=Corp");

        var result = await listener.GetAsync(Pki.Partner, headers: forged);

        Expect.Admitted(listener, result);
        var received = EchoUpstream.HeadersIn(result.Body);
        Assert.Equal(ProxyPki.SubjectOf(Pki.Partner), received.GetValueOrDefault(Header.ToLowerInvariant()));
        var protectedNames = Engine.Rendering.IdentityHeaders.WellKnown.Append(Header).Select(Normalized).ToHashSet();
        var setByTheProxy = ForwardedCertificate.Headers.Append(Header).Select(Normalized).ToHashSet();
        Assert.DoesNotContain(received, h => protectedNames.Contains(Normalized(h.Key)) && !setByTheProxy.Contains(h.Key));
        Assert.DoesNotContain(received, h => h.Value.Contains("admin", StringComparison.Ordinal));
    }

    private static string Normalized(string name) => name.ToLowerInvariant().Replace('_', '-');

    [SkippableFact]
    public async Task Refused_clients_reach_nothing_even_with_a_forged_header()
    {
        var listener = fixture.Listener;
        var forged = new Dictionary<string, string> { [Header] = ProxyPki.SubjectOf(Pki.Partner) };
        Expect.Forbidden(listener, await listener.GetAsync(Pki.Staff, headers: forged));
        Expect.ChainRejected(listener, await listener.GetAsync(null, headers: forged));
    }
}

public sealed class HaproxyIdentityHeaderTests(HaproxyIdentityFixture fixture) : IdentityHeaderTests(fixture), IClassFixture<HaproxyIdentityFixture>;

public sealed class NginxIdentityHeaderTests(NginxIdentityFixture fixture) : IdentityHeaderTests(fixture), IClassFixture<NginxIdentityFixture>;
