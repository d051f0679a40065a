using System.Globalization;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Pki;
using MtlsOperator.ProxyTests.Infrastructure;
using TestPki;

namespace MtlsOperator.ProxyTests.Check;

/// <summary><c>check</c> against the real proxies: what it reports for an admitted client, and the exit code of every failure
/// class, each produced for real by the proxy (or by a port that refuses, or a listener that never speaks).</summary>
public abstract class CheckCommandTests(ListenerFixture fixture) : IDisposable
{
    private readonly CheckFiles _files = new();

    protected ProxyPki Pki => ProxyPki.Instance;

    protected RunningListener Listener => fixture.Listener;

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    private string Url => $"https://127.0.0.1:{Listener.Port.ToString(CultureInfo.InvariantCulture)}/probe";

    private Task<CheckRun> CheckAsync(params string[] args) => CheckRun.RunAsync(["check", Url, "--timeout", "20s", .. args]);

    private string[] AsPinned()
    {
        var (cert, key) = _files.Client(Pki.Pinned, "pinned");
        return ["--cert", cert, "--key", key];
    }

    private void ExpectExit(int exit, CheckRun run) => Assert.True(run.Exit == exit, $"expected exit {exit}, got {run}\n--- proxy log:\n{Listener.Proxy.Log}");

    [SkippableFact]
    public async Task Admitted_client_gets_its_HTTP_status_and_exit_0()
    {
        var run = await CheckAsync(["--sni", "api.test", "--ca", _files.ServerRoot(), "--json", .. AsPinned()]);

        ExpectExit(0, run);
        var json = run.Json;
        Assert.Equal(200, (int)json["http"]!["status"]!);
        Assert.True((bool)json["clientCertificate"]!["requested"]!);
        Assert.True((bool)json["clientCertificate"]!["presented"]!);
        Assert.True((bool)json["clientCertificate"]!["admitted"]!);
        Assert.True((bool)json["hostname"]!["matches"]!);
        Assert.True((bool)json["trust"]!["verified"]!);
        Assert.Contains((string)json["tls"]!["version"]!, new[] { "TLSv1.2", "TLSv1.3" });
        Assert.False(string.IsNullOrEmpty((string?)json["tls"]!["cipher"]));
        Assert.Empty(json["failures"]!.AsArray());
    }

    [SkippableFact]
    public async Task An_admitted_client_whose_application_answers_an_error_exits_as_http_error()
    {
        var url = $"https://127.0.0.1:{Listener.Port.ToString(CultureInfo.InvariantCulture)}/status/503";
        var run = await CheckRun.RunAsync(["check", url, "--sni", "api.test", "--ca", _files.ServerRoot(), "--json", "--timeout", "20s", .. AsPinned()]);

        ExpectExit(17, run);
        Assert.Equal(503, (int)run.Json["http"]!["status"]!);
        Assert.True((bool)run.Json["clientCertificate"]!["admitted"]!);
        Assert.Equal("http-error", (string)run.Json["failures"]![0]!["class"]!);
    }

    [SkippableFact]
    public async Task The_server_names_the_CAs_of_the_listeners_bundle()
    {
        var run = await CheckAsync(["--sni", "api.test", "--ca", _files.ServerRoot(), "--json"]);

        var names = run.Json["clientCertificate"]!["acceptableIssuers"]!.AsArray().Select(n => (string)n!).ToHashSet();
        Assert.Equal(new HashSet<string> { Pki.ClientRoot.Certificate.SubjectName.Name, Pki.ClientIssuing.Certificate.SubjectName.Name }, names);
    }

    [SkippableFact]
    public async Task Served_chain_is_reported_in_order_with_every_pin_spelling()
    {
        var run = await CheckAsync(["--sni", "api.test", "--ca", _files.ServerRoot(), "--json", .. AsPinned()]);

        var chain = run.Json["servedChain"]!.AsArray();
        Assert.Equal(2, chain.Count);
        ExpectPins(Pki.DefaultServer, chain[0]!);
        ExpectPins(Pki.ServerIssuing.Certificate, chain[1]!);
        Assert.Equal(Pki.DefaultServer.SubjectName.Name, (string)chain[0]!["subject"]!);
        Assert.True((bool)chain[0]!["validNow"]!);
    }

    [SkippableFact]
    public async Task Table_shows_each_section_and_the_result()
    {
        var run = await CheckAsync(["--sni", "exact.test", "--ca", _files.ServerRoot(), .. AsPinned()]);

        ExpectExit(0, run);
        var prints = CertificateFingerprints.Of(Pki.ExactServer);
        foreach (var expected in new[]
        {
            "served chain   2 certificate(s)", "hostname       exact.test: matches", "trust          verified to --ca",
            "client cert    requested; the server names 2 CA(s)", "presented a certificate: admitted", "http           200", "result         OK (exit 0)",
            prints.Sha256, CertificateFingerprints.WithColons(prints.Sha256), prints.Sha1, CertificateFingerprints.WithColons(prints.Sha1), "sha256/" + prints.SpkiSha256,
        })
        {
            Assert.Contains(expected, run.Stdout, StringComparison.Ordinal);
        }
    }

    [SkippableTheory]
    [InlineData("1.2")]
    [InlineData("1.3")]
    public async Task Client_without_a_certificate_is_refused(string tls)
    {
        var run = await CheckAsync("--sni", "api.test", "--ca", _files.ServerRoot(), "--tls", tls, "--json");

        ExpectExit(16, run);
        Assert.False((bool)run.Json["clientCertificate"]!["admitted"]!);
        Assert.Equal("client-refused", (string)run.Json["failures"]![0]!["class"]!);
        Assert.Contains("client refused", run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>HAProxy refuses a TLS 1.2 client without a certificate inside the handshake, before .NET hands over the chain: it
    /// is read from the plaintext Certificate message instead.</summary>
    [SkippableFact]
    public async Task A_client_refused_in_a_TLS12_handshake_still_sees_the_whole_served_chain()
    {
        var run = await CheckAsync("--sni", "api.test", "--ca", _files.ServerRoot(), "--tls", "1.2", "--json");
        var connect = await CheckRun.RunAsync("thumbprint", "--connect", $"127.0.0.1:{Listener.Port.ToString(CultureInfo.InvariantCulture)}", "--sni", "api.test", "--tls", "1.2");

        ExpectExit(16, run);
        Assert.True((bool)run.Json["chainComplete"]!);
        ExpectPins(Pki.DefaultServer, run.Json["servedChain"]![0]!);
        ExpectPins(Pki.ServerIssuing.Certificate, run.Json["servedChain"]![1]!);
        Assert.True((bool)run.Json["trust"]!["verified"]!);
        ExpectExit(0, connect);
        Assert.Contains("2 certificate(s) served", connect.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Verified_client_that_no_pin_admits_is_refused()
    {
        var (cert, key) = _files.Client(Pki.Unpinned, "unpinned");
        var run = await CheckAsync("--sni", "api.test", "--ca", _files.ServerRoot(), "--cert", cert, "--key", key, "--json");

        ExpectExit(16, run);
        Assert.Equal(403, (int)run.Json["http"]!["status"]!);
    }

    [SkippableFact]
    public async Task Client_of_a_CA_outside_the_bundle_is_refused()
    {
        var cert = _files.Pem("other.crt", PemExport.Certificate(Pki.OtherCaPartner));
        var key = _files.Pem("other.key", PemExport.PrivateKey(Pki.OtherCaPartner));
        var run = await CheckAsync("--sni", "api.test", "--ca", _files.ServerRoot(), "--cert", cert, "--key", key);

        ExpectExit(16, run);
    }

    [SkippableFact]
    public async Task Client_certificate_from_a_password_protected_PKCS12_file_is_admitted()
    {
        var p12 = Path.Combine(Path.GetDirectoryName(_files.ServerRoot())!, "agent.p12");
        File.WriteAllBytes(p12, Pki.Pinned.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "s3cret"));
        var password = _files.Pem("password.txt", "s3cret\n");

        var run = await CheckAsync("--sni", "api.test", "--ca", _files.ServerRoot(), "--p12", p12, "--password-file", password);

        ExpectExit(0, run);
    }

    [SkippableFact]
    public async Task Client_key_encrypted_with_a_password_is_opened_with_the_password_file()
    {
        var cert = _files.Pem("enc.crt", PemExport.Certificate(Pki.Pinned));
        var key = _files.Pem("enc.key", PemExport.EncryptedPrivateKey(Pki.Pinned, "s3cret"));
        var password = _files.Pem("enc-password.txt", "s3cret\n");

        var run = await CheckAsync("--sni", "api.test", "--ca", _files.ServerRoot(), "--cert", cert, "--key", key, "--password-file", password);
        var without = await CheckAsync("--sni", "api.test", "--ca", _files.ServerRoot(), "--cert", cert, "--key", key);

        ExpectExit(0, run);
        ExpectExit(2, without);
    }

    [SkippableFact]
    public async Task Unknown_server_name_gets_the_default_certificate_and_fails_as_wrong_name()
    {
        var run = await CheckAsync(["--sni", "unknown.test", "--ca", _files.ServerRoot(), "--json", .. AsPinned()]);

        ExpectExit(14, run);
        Assert.False((bool)run.Json["hostname"]!["matches"]!);
        Assert.Equal(CertificateFingerprints.Of(Pki.DefaultServer).Sha256, (string)run.Json["servedChain"]![0]!["pins"]!["sha256"]!);
    }

    [SkippableFact]
    public async Task Chain_that_does_not_verify_to_the_given_trust_fails_as_untrusted()
    {
        var otherTrust = _files.Pem("other-root.pem", PemExport.Certificate(Pki.OtherRoot.Certificate));
        var run = await CheckAsync(["--sni", "api.test", "--ca", otherTrust, "--json", .. AsPinned()]);

        ExpectExit(15, run);
        Assert.False((bool)run.Json["trust"]!["verified"]!);
    }

    [SkippableFact]
    public async Task A_TrustBundle_manifest_is_accepted_as_the_trust()
    {
        var bundle = _files.Pem("bundle.yaml", $"""
            apiVersion: mtls-operator.io/v1alpha1
            kind: TrustBundle
            metadata: {"{"} name: server-roots {"}"}
            spec:
              sources:
                - inline: |
            {string.Join("\n", PemExport.Certificate(Pki.ServerRoot.Certificate).TrimEnd().Split('\n').Select(l => "          " + l))}
            """);
        var run = await CheckAsync(["--sni", "api.test", "--trust-bundle", bundle, .. AsPinned()]);

        ExpectExit(0, run);
    }

    [SkippableFact]
    public async Task Expired_server_certificate_fails_as_expired()
    {
        var expired = Pki.ServerIssuing.IssueServer(new LeafOptions
        {
            DnsNames = ["api.test"],
            NotBefore = DateTimeOffset.UtcNow.AddDays(-30),
            NotAfter = DateTimeOffset.UtcNow.AddDays(-1),
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        // The engine refuses to render an expired certificate, so it is put into the rendered files, as a stale mount would hold it
        // (HAProxy reads the key beside the certificate as tls.crt.key).
        await using var listener = await RunningListener.StartAsync(fixture.Kind, Scenarios.TwoAgents(), timeout.Token, files => files.ToDictionary(
            f => f.Key,
            f => f.Key switch
            {
                "tls.crt" => Pki.ServerChainPem(expired),
                "tls.key" or "tls.crt.key" => PemExport.PrivateKey(expired),
                _ => f.Value,
            },
            StringComparer.Ordinal));
        var (cert, key) = _files.Client(Pki.Pinned, "pinned");

        var run = await CheckRun.RunAsync("check", $"https://127.0.0.1:{listener.Port.ToString(CultureInfo.InvariantCulture)}/", "--sni", "api.test",
            "--ca", _files.ServerRoot(), "--cert", cert, "--key", key, "--json", "--timeout", "20s");

        Assert.True(run.Exit == 13, run + "\n" + listener.Proxy.Log);
        Assert.False((bool)run.Json["servedChain"]![0]!["validNow"]!);
        Assert.Equal(200, (int)run.Json["http"]!["status"]!);
    }

    [SkippableFact]
    public async Task A_port_that_does_not_speak_TLS_fails_the_handshake()
    {
        var run = await CheckRun.RunAsync("check", $"https://127.0.0.1:{Listener.Upstream.Port.ToString(CultureInfo.InvariantCulture)}/", "--ca", _files.ServerRoot(), "--timeout", "20s");

        ExpectExit(12, run);
    }

    [SkippableFact]
    public async Task Manifests_that_render_what_is_served_are_live()
    {
        var manifests = _files.Manifests(Listener, Listener.Scenario);

        foreach (var sni in new[] { "api.test", "exact.test" })
        {
            var run = await CheckAsync(["--sni", sni, "--ca", _files.ServerRoot(), "-f", manifests, "--json", .. AsPinned()]);

            ExpectExit(0, run);
            var live = run.Json["live"]!;
            Assert.True((bool)live["matches"]!, run.ToString());
            Assert.True((bool)live["serverCertificate"]!["matches"]!);
            Assert.Equal($"{Listener.Name}-{(sni == "api.test" ? "api" : "exact")}", (string)live["serverCertificate"]!["name"]!);
            Assert.True((bool)live["caNames"]!["matches"]!);
        }
    }

    [SkippableFact]
    public async Task A_renewed_server_certificate_not_yet_served_is_not_live()
    {
        var renewed = Listener.Scenario with { Servers = [new ServerIdentitySpec("api", Pki.RenewedServer, ["api.test"]), Listener.Scenario.Servers[1]] };
        var run = await CheckAsync(["--sni", "api.test", "--ca", _files.ServerRoot(), "-f", _files.Manifests(Listener, renewed), "--json", .. AsPinned()]);

        ExpectExit(18, run);
        var certificate = run.Json["live"]!["serverCertificate"]!;
        Assert.False((bool)certificate["matches"]!);
        Assert.Equal(CertificateFingerprints.Of(Pki.RenewedServer).Sha256, (string)certificate["expectedSha256"]!);
        Assert.True((bool)run.Json["live"]!["caNames"]!["matches"]!);
    }

    [SkippableFact]
    public async Task A_CA_added_to_the_bundle_but_not_yet_served_is_not_live()
    {
        var wider = Listener.Scenario with { ExtraBundlePem = PemExport.Certificate(Pki.OtherRoot.Certificate) };
        var run = await CheckAsync(["--sni", "api.test", "--ca", _files.ServerRoot(), "-f", _files.Manifests(Listener, wider), "--json", .. AsPinned()]);

        ExpectExit(18, run);
        var names = run.Json["live"]!["caNames"]!;
        Assert.False((bool)names["matches"]!);
        Assert.Equal([Pki.OtherRoot.Certificate.SubjectName.Name], names["missing"]!.AsArray().Select(n => (string)n!));
        Assert.True((bool)run.Json["live"]!["serverCertificate"]!["matches"]!);
    }

    [SkippableFact]
    public async Task Thumbprint_connect_prints_the_pins_of_every_served_certificate()
    {
        var run = await CheckRun.RunAsync("thumbprint", "--connect", $"127.0.0.1:{Listener.Port.ToString(CultureInfo.InvariantCulture)}", "--sni", "exact.test");

        ExpectExit(0, run);
        Assert.Contains("2 certificate(s) served", run.Stdout, StringComparison.Ordinal);
        foreach (var certificate in new[] { Pki.ExactServer, Pki.ServerIssuing.Certificate })
        {
            var prints = CertificateFingerprints.Of(certificate);
            Assert.Contains(certificate.SubjectName.Name, run.Stdout, StringComparison.Ordinal);
            foreach (var spelling in new[] { prints.Sha1, CertificateFingerprints.WithColons(prints.Sha1), prints.Sha256, CertificateFingerprints.WithColons(prints.Sha256), "sha256/" + prints.SpkiSha256 })
            {
                Assert.Contains(spelling, run.Stdout, StringComparison.Ordinal);
            }
        }

        Assert.True(run.Stdout.IndexOf(CertificateFingerprints.Of(Pki.ExactServer).Sha256, StringComparison.Ordinal)
            < run.Stdout.IndexOf(CertificateFingerprints.Of(Pki.ServerIssuing.Certificate).Sha256, StringComparison.Ordinal), "leaf first");
    }

    private static void ExpectPins(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, JsonNode node)
    {
        var prints = CertificateFingerprints.Of(certificate);
        var pins = node["pins"]!;
        Assert.Equal(prints.Sha1, (string)pins["sha1"]!);
        Assert.Equal(CertificateFingerprints.WithColons(prints.Sha1), (string)pins["sha1Colons"]!);
        Assert.Equal(prints.Sha256, (string)pins["sha256"]!);
        Assert.Equal(CertificateFingerprints.WithColons(prints.Sha256), (string)pins["sha256Colons"]!);
        Assert.Equal("sha256/" + prints.SpkiSha256, (string)pins["spkiSha256"]!);
    }
}

public sealed class HaproxyCheckCommandTests(HaproxyCheckFixture fixture) : CheckCommandTests(fixture), IClassFixture<HaproxyCheckFixture>;

public sealed class NginxCheckCommandTests(NginxCheckFixture fixture) : CheckCommandTests(fixture), IClassFixture<NginxCheckFixture>;
