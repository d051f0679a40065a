using System.Numerics;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.ProxyTests.Infrastructure;
using TestPki;

namespace MtlsOperator.ProxyTests;

/// <summary>Several CRLs of the issuing CA in one TrustBundle, in the real proxy. The proxy sees exactly the one CRL the engine chose, so a
/// newer delta or a same-second older CRL cannot stand in for the CRL that revokes a client; what the proxy cannot enforce (a delta
/// that adds revocations, CRLs nothing orders, CRLs OpenSSL cannot use) is refused by <c>render</c> instead. Each refusal is backed by
/// loading the CRL as given into the proxy: it then admits a revoked client, or refuses a valid one.</summary>
public abstract class CrlChoiceTests(ProxyKind kind)
{
    private static ProxyPki Pki => ProxyPki.Instance;

    // Whole seconds in the past, so two CRLs can share one thisUpdate and both are already valid.
    private static readonly DateTimeOffset s_second = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());

    [SkippableFact]
    public async Task Client_revoked_in_the_base_is_refused_when_a_newer_empty_delta_is_listed_first()
    {
        await using var listener = await StartAsync("delta", [Delta(number: 2, deltaBase: 1), Complete(1, Pki.Revoked)]);

        Expect.ChainRejected(listener, await listener.GetAsync(Pki.Revoked));
        Expect.Admitted(listener, await listener.GetAsync(Pki.Pinned));
    }

    [SkippableFact]
    public async Task A_delta_used_by_the_proxy_in_place_of_its_base_would_admit_the_client_revoked_in_the_base()
    {
        await using var listener = await StartAsync("delta-raw", [Complete(1, Pki.Revoked)],
            files => Replace(files, WithRootCrl(Delta(number: 2, deltaBase: 1, Pki.Unpinned) + Complete(1, Pki.Revoked))));

        Expect.Admitted(listener, await listener.GetAsync(Pki.Revoked));
    }

    [SkippableFact]
    public void Base_and_a_delta_that_revokes_more_are_refused_by_render()
    {
        var result = Render("delta-more", [Complete(1, Pki.Revoked), Delta(number: 2, deltaBase: 1, Pki.Unpinned)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(TrustBundleReasons.DeltaCrlNotEnforceable, result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Of_two_crls_issued_in_the_same_second_the_higher_crl_number_is_enforced(bool higherFirst)
    {
        string[] crls = [Complete(1), Complete(2, Pki.Revoked)];

        await using var listener = await StartAsync("second", higherFirst ? [crls[1], crls[0]] : crls);

        Expect.ChainRejected(listener, await listener.GetAsync(Pki.Revoked));
        Expect.Admitted(listener, await listener.GetAsync(Pki.Pinned));
    }

    [SkippableFact]
    public async Task Given_both_same_second_crls_the_proxy_itself_takes_the_first_in_the_file()
    {
        await using var listener = await StartAsync("second-raw", [Complete(2, Pki.Revoked)],
            files => Replace(files, WithRootCrl(Complete(1) + Complete(2, Pki.Revoked))));

        Expect.Admitted(listener, await listener.GetAsync(Pki.Revoked));
    }

    [SkippableFact]
    public void Same_second_crls_without_numbers_are_refused_by_render_naming_both()
    {
        var result = Render("undecided", [Complete(null), Complete(null, Pki.Revoked)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(TrustBundleReasons.AmbiguousCrls, result.Output, StringComparison.Ordinal);
        Assert.Contains("spec.crls[0]", result.Output, StringComparison.Ordinal);
        Assert.Contains("spec.crls[1]", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    [SkippableTheory]
    [InlineData("critical", TrustBundleReasons.CrlUnhandledCriticalExtension)]
    [InlineData("idp", TrustBundleReasons.CrlIssuingDistributionPoint)]
    [InlineData("idp-users", TrustBundleReasons.CrlIssuingDistributionPoint)]
    [InlineData("critical-entry", TrustBundleReasons.CrlUnhandledCriticalExtension)]
    [InlineData("akid", TrustBundleReasons.CrlAuthorityKeyMismatch)]
    public async Task Crl_the_proxy_cannot_use_is_refused_by_render_and_would_refuse_every_client(string feature, string reason)
    {
        var crl = Unusable(feature);

        var result = Render("unusable-" + feature, [crl]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(reason, result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Files);

        // The root's CRL scoped to user certificates replaces the root's; the others replace the issuing CA's.
        var caCrl = feature == "idp-users" ? crl + Complete(1, Pki.Revoked) : WithRootCrl(crl);
        await using var listener = await StartAsync("unusable-raw-" + feature, [Complete(1, Pki.Revoked)], files => Replace(files, caCrl));
        Expect.ChainRejected(listener, await listener.GetAsync(Pki.Pinned));
    }

    [SkippableFact]
    public async Task Crls_made_by_openssl_ca_in_one_second_enforce_the_later_number()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var ca = new OpensslCa(Pki.ClientIssuing);
        var first = ca.GenerateCrl();
        ca.Revoke(Pki.Revoked);
        var second = ca.GenerateCrl();

        await using var listener = await StartAsync("openssl-ca", [second, first]);

        Expect.ChainRejected(listener, await listener.GetAsync(Pki.Revoked));
        Expect.Admitted(listener, await listener.GetAsync(Pki.Pinned));
    }

    private string Unusable(string feature) => feature switch
    {
        "critical" => HandBuiltCrl.BuildPem(Pki.ClientIssuing, new CrlContents { Number = 1, ThisUpdate = s_second, Extensions = [RawExtension.Unknown(critical: true)] }),
        "idp" => HandBuiltCrl.BuildPem(Pki.ClientIssuing, new CrlContents { Number = 1, ThisUpdate = s_second, Extensions = [RawExtension.IssuingDistributionPoint()] }),
        "critical-entry" => HandBuiltCrl.BuildPem(Pki.ClientIssuing, new CrlContents
        {
            Number = 1,
            ThisUpdate = s_second,
            Revoked = [Pki.Revoked],
            EntryExtensions = [RawExtension.Unknown(critical: true)],
        }),
        "akid" => HandBuiltCrl.BuildPem(Pki.ClientIssuing, new CrlContents { Number = 1, ThisUpdate = s_second, AuthorityKeyId = [1, 2, 3, 4] }),
        _ => HandBuiltCrl.BuildPem(Pki.ClientRoot, new CrlContents
        {
            Number = 1,
            ThisUpdate = s_second,
            Extensions = [RawExtension.IssuingDistributionPoint(uri: null, onlyUserCertificates: true)],
        }),
    };

    private static string Complete(BigInteger? number, params System.Security.Cryptography.X509Certificates.X509Certificate2[] revoked) =>
        HandBuiltCrl.BuildPem(Pki.ClientIssuing, new CrlContents { Number = number, ThisUpdate = s_second, Revoked = revoked });

    private static string Delta(BigInteger number, BigInteger deltaBase, params System.Security.Cryptography.X509Certificates.X509Certificate2[] revoked) =>
        HandBuiltCrl.BuildPem(Pki.ClientIssuing, new CrlContents { Number = number, DeltaBase = deltaBase, ThisUpdate = s_second.AddMinutes(5), Revoked = revoked });

    private ListenerScenario Scenario(string name, string[] issuingCrls) =>
        Scenarios.Pinned(kind) with { Name = $"crl-{name}", IssuingCaCrls = [.. issuingCrls] };

    private CliRenderResult Render(string name, string[] issuingCrls) => CliRender.Run(kind, Scenario(name, issuingCrls), "crl-" + name, "/etc/mtls", 8443, 8080);

    private async Task<RunningListener> StartAsync(string name, string[] issuingCrls,
        Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>>? alterFiles = null)
    {
        var missing = ProxyBinary.MissingReason(kind.Binary());
        Skip.If(missing is not null, missing);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await RunningListener.StartAsync(kind, Scenario(name, issuingCrls), timeout.Token, alterFiles);
    }

    /// <summary>The rendered files with <c>ca.crl</c> replaced: what the proxy would load if the engine passed CRLs through as given.</summary>
    private static IReadOnlyDictionary<string, string> Replace(IReadOnlyDictionary<string, string> files, string caCrl) =>
        new Dictionary<string, string>(files) { ["ca.crl"] = caCrl };

    /// <summary>The root's CRL followed by the issuing CA's, as the bundle renders them.</summary>
    private static string WithRootCrl(string issuingCrls) => Pki.ClientRoot.CreateCrlPem() + issuingCrls;
}

public sealed class HaproxyCrlChoiceTests() : CrlChoiceTests(ProxyKind.Haproxy);

public sealed class NginxCrlChoiceTests() : CrlChoiceTests(ProxyKind.Nginx);
