using k8s;
using k8s.Models;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>Events mark transitions a person should notice, and only transitions.</summary>
public sealed class EventTests
{
    [Fact]
    public async Task Each_resource_becoming_ready_records_one_normal_event_and_a_steady_state_records_none()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(OperatorFixture.TestOptions() with { ResyncPeriod = TimeSpan.FromMilliseconds(200) });
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);

        var events = await EventsAsync(fx);
        foreach (var kind in new[] { "TrustBundle", "ServerCertificate", "ClientAuthPolicy", "MtlsListener" })
        {
            var normal = Assert.Single(events, e => e.InvolvedObject.Kind == kind && e.Type == "Normal");
            Assert.Equal("mtls-operator", normal.Source.Component);
            Assert.Equal((string?)(await fx.TryGetCustomAsync(OperatorFixture.PluralOf(kind), "apps", normal.InvolvedObject.Name))!["metadata"]!["uid"], normal.InvolvedObject.Uid);
        }

        // A listener seen before its policy may first warn ClientAuthPolicyNotFound; its Normal event says it rendered.
        Assert.Equal("Rendered", events.Single(e => e.InvolvedObject.Kind == "MtlsListener" && e.Type == "Normal").Reason);

        var mark = fx.Server.Requests.Mark();
        var reconciles = host.ReconcileCount;
        await OperatorFixture.Eventually(() => Task.FromResult(host.ReconcileCount >= reconciles + 8 && host.IsIdle), "two resync rounds ran");
        Assert.DoesNotContain(fx.Server.Requests.Since(mark), r => r.Resource == "events");
    }

    [Fact]
    public async Task A_rejected_pin_records_warning_events_on_the_policy_and_the_listener()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var manifests = new ListenerManifests { Pin = "sha256: \"00:11:22\"" };
        await fx.ApplyAsync(manifests.Yaml());

        await fx.WaitReadyAsync("clientauthpolicies", "controller-only", "False");
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        await fx.WaitSettledAsync(host);

        // Seen before what it references, a resource may first warn that it is missing; the last word is the pin.
        var events = await EventsAsync(fx);
        Assert.Equal("Warning InvalidPin", Last(events, "ClientAuthPolicy"));
        Assert.Equal("Warning ClientAuthPolicyNotReady", Last(events, "MtlsListener"));
        Assert.DoesNotContain(events, e => e.Type == "Normal" && e.InvolvedObject.Kind is "ClientAuthPolicy" or "MtlsListener");
    }

    [Fact]
    public async Task Fixing_the_rejected_input_records_a_normal_event_for_the_recovery()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var manifests = new ListenerManifests { Pin = "sha256: \"00:11:22\"" };
        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");

        await fx.ApplyAsync(Manifests.PinnedPolicy("apps", "controller-only", "corp", ("sha256", CertificateFingerprints.Of(manifests.Client).Sha256)));

        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);
        var listenerEvents = InOrder(await EventsAsync(fx), "MtlsListener");
        Assert.Equal(["Warning ClientAuthPolicyNotReady", "Normal Rendered"], listenerEvents.TakeLast(2));
    }

    /// <summary>"Type Reason" of the events of one kind, oldest first (resourceVersions of one server increase).</summary>
    private static List<string> InOrder(IEnumerable<Corev1Event> events, string kind) =>
        [.. events.Where(e => e.InvolvedObject.Kind == kind).OrderBy(e => long.Parse(e.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)).Select(e => $"{e.Type} {e.Reason}")];

    private static string Last(IEnumerable<Corev1Event> events, string kind) => InOrder(events, kind)[^1];

    private static async Task<IList<Corev1Event>> EventsAsync(OperatorFixture fx) =>
        (await fx.Client.CoreV1.ListNamespacedEventAsync("apps")).Items;
}
