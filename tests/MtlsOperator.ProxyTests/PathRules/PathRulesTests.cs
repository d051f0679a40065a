using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.ProxyVerdicts;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.ProxyTests.Differential;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests.PathRules;

/// <summary>spec.paths in the real HAProxy and nginx: <c>/admin</c> for two pinned agents, <c>/api</c> for any client of the Corp
/// Issuing CA, every other path for partners. Each client asks for canonical and hostile spellings of those paths; the proxy's
/// answer must be the engine's prediction (<see cref="AdmissionPredictor"/> over <see cref="Engine.PathRules.RequestPath"/>), no
/// spelling may reach <c>/admin</c> for a client the <c>/admin</c> rule does not admit, and only admitted requests reach the app.</summary>
public sealed class PathRulesTests
{
    private static ProxyPki Pki => ProxyPki.Instance;

    public static TheoryData<ProxyKind> Proxies => [ProxyKind.Haproxy, ProxyKind.Nginx];

    /// <summary>Canonical spellings, then every hostile spelling of /admin we know apps to read as /admin (or as another path).</summary>
    public static readonly string[] Targets =
    [
        "/admin", "/admin/", "/admin/users?id=1", "/ADMIN", "/Admin/x", "/admin.json", "/admin..", "/administrator", "/adminx/y", "/api", "/api/v1/orders",
        "/apiary", "/other", "/", "/x?/admin", "/admin?x=/../", "/admin%20", "/caf%C3%A9",
        "//admin", "/./admin", "/x/../admin", "/admin/.", "/admin/..", "/%61dmin", "/%41DMIN", "/adm%69n", "/admin%2Fx", "/%2fadmin", "/%2e/admin",
        "/%2E%2E/admin", "/admin%00", "/admin%25", "/admin%", "/admin%zz", "/admin%5c", "/admin%3b", "/admin;x", "/;/admin", "/admin\\x", "\\admin",
        "/admin#x", "*", "http://api.test/admin", "http://api.test//admin", "http://api.test/api/x",
    ];

    [SkippableTheory]
    [MemberData(nameof(Proxies))]
    public async Task Every_spelling_of_every_path_gets_the_engines_verdict_and_no_spelling_reaches_admin_unadmitted(ProxyKind kind)
    {
        Skip.If(ProxyBinary.MissingReason(kind.Binary()) is not null, ProxyBinary.MissingReason(kind.Binary()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var listener = await RunningListener.StartAsync(kind, Scenario(), timeout.Token);
        var admission = Admission(kind);
        var flavor = kind == ProxyKind.Haproxy ? ProxyFlavor.Haproxy : ProxyFlavor.Nginx;
        var mismatches = new List<string>();
        var probe = 0;
        foreach (var (name, client) in Clients)
        {
            foreach (var target in Targets)
            {
                var id = $"p{probe++}";
                var observed = await ClientProbe.GetAsync(listener.Port, [client], timeout.Token, target, "X-Probe-Id: " + id);
                var predicted = AdmissionPredictor.Predict(admission, flavor, [client], DateTimeOffset.UtcNow, target);
                var reached = listener.Upstream.Requests.Any(h => h.TryGetValue("x-probe-id", out var v) && v == id);
                if (observed.RefusedAt != predicted.RefusedAt || reached != observed.Admitted)
                {
                    mismatches.Add($"{name} GET {target}: engine {predicted}; {kind} {observed}; reached the app: {reached}");
                }

                var adminAdmits = client == Pki.Pinned || client == Pki.SecondPinned;
                if (observed.Admitted && !adminAdmits && LooksLikeAdmin(target))
                {
                    mismatches.Add($"{name} GET {target}: admitted, although /admin admits only the two pinned agents");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches) + "\n--- proxy log:\n" + listener.Proxy.Log);
    }

    [SkippableTheory]
    [MemberData(nameof(Proxies))]
    public async Task A_verified_client_not_admitted_on_a_path_gets_403_and_one_admitted_gets_through(ProxyKind kind)
    {
        Skip.If(ProxyBinary.MissingReason(kind.Binary()) is not null, ProxyBinary.MissingReason(kind.Binary()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var listener = await RunningListener.StartAsync(kind, Scenario(), timeout.Token);

        Assert.Equal(RefusalStage.Forbidden, (await ClientProbe.GetAsync(listener.Port, [Pki.Partner], timeout.Token, "/admin/users")).RefusedAt);
        Assert.True((await ClientProbe.GetAsync(listener.Port, [Pki.Pinned], timeout.Token, "/admin/users")).Admitted);
        Assert.True((await ClientProbe.GetAsync(listener.Port, [Pki.Partner], timeout.Token, "/api/orders")).Admitted);
        Assert.Equal(RefusalStage.Forbidden, (await ClientProbe.GetAsync(listener.Port, [Pki.RootIssued], timeout.Token, "/api/orders")).RefusedAt);
        Assert.True((await ClientProbe.GetAsync(listener.Port, [Pki.RootIssued], timeout.Token, "/shop")).Admitted);
        Assert.Equal(RefusalStage.Forbidden, (await ClientProbe.GetAsync(listener.Port, [Pki.Pinned], timeout.Token, "/shop")).RefusedAt);
    }

    /// <summary>Whether an app that decodes, merges slashes, resolves dot segments, strips ';' parameters, ignores case or format
    /// suffixes could route <paramref name="target"/> to /admin: then only the /admin rule may admit it.</summary>
    private static bool LooksLikeAdmin(string target)
    {
        var path = Uri.UnescapeDataString(Engine.PathRules.RequestPath.PathOf(target.StartsWith("http://", StringComparison.Ordinal) ? target[15..] : target))
            .Replace('\\', '/');
        path = string.Join('/', path.Split('/').Select(s => s.Split(';')[0]));
        var segments = new List<string>();
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }

        return segments.Count > 0 && segments[0].Split('.', '#', '\0')[0].Trim().Equals("admin", StringComparison.OrdinalIgnoreCase);
    }

    private static readonly (string Name, X509Certificate2 Client)[] Clients =
    [
        ("pinned agent", Pki.Pinned), ("second pinned agent", Pki.SecondPinned), ("partner", Pki.Partner), ("root-issued partner", Pki.RootIssued),
    ];

    private static ListenerScenario Scenario() => new(
        "paths",
        [Scenarios.DefaultServer],
        [],
        [new ClientMatchRule(null, "CN=*,OU=Partners,O=Corp", null, null)],
        CheckRevocation: false,
        RootCrlMissing: false,
        IdentityHeader: null)
    {
        Paths =
        [
            new ScenarioPath("/admin", [new(PinForm.Sha1, Pki.Pinned), new(PinForm.Certificate, Pki.SecondPinned)], []),
            new ScenarioPath("/api", [], [new ClientMatchRule(DistinguishedName.Format(Pki.ClientIssuing.Certificate.SubjectName), null, null, null)]),
        ],
    };

    /// <summary>The admission the evaluators compute from the scenario's manifests.</summary>
    private static ClientAdmission Admission(ProxyKind kind)
    {
        var manifests = Path.Combine(Directory.CreateTempSubdirectory("mtls-paths-").FullName, "listener.yaml");
        File.WriteAllText(manifests, ListenerManifests.Yaml(kind, Scenario(), "paths", 8443, 8080));
        var set = Cli.ManifestReader.Read([manifests], ListenerManifests.Namespace);
        var policy = set.Objects.OfType<Engine.Api.ClientAuthPolicy>().Single();
        var admission = new TrustEngine().Evaluate(policy, new EvaluationContext(ResourceSnapshot.Of(set.Objects), DateTimeOffset.UtcNow)).Admission;
        Directory.Delete(Path.GetDirectoryName(manifests)!, recursive: true);
        return admission ?? throw new InvalidOperationException("the scenario's policy is not Ready");
    }
}
