using k8s;
using k8s.Models;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>Events mark transitions a person should notice, and only transitions.</summary>
public sealed class EventTests
{
    [Fact]
    public async Task Resources_ready_at_their_first_evaluation_record_no_event_and_a_steady_state_records_none()
    {
        await using var fx = await OperatorFixture.StartAsync();
        // Applied before the operator starts, so every resource is first evaluated with everything it reads in the cache.
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        var host = fx.StartOperator(OperatorFixture.TestOptions() with { ResyncPeriod = TimeSpan.FromMilliseconds(200) });
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);

        Assert.Empty(await EventsAsync(fx));

        var mark = fx.Server.Requests.Mark();
        var reconciles = host.ReconcileCount;
        await OperatorFixture.Eventually(() => Task.FromResult(host.ReconcileCount >= reconciles + 8 && host.IsIdle), "two resync rounds ran");
        Assert.DoesNotContain(fx.Server.Requests.Since(mark), r => r.Resource == "events");
    }

    [Fact]
    public async Task A_resource_that_recovers_records_one_normal_event_naming_the_object()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var manifests = new ListenerManifests();
        // The listener first, alone: it is not Ready (its policy is missing), then it is.
        await fx.ApplyAsync(manifests.Yaml().Split("---").Where(d => d.Contains("kind: MtlsListener", StringComparison.Ordinal)).Single());
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);

        var normal = Assert.Single(await EventsAsync(fx), e => e.Type == "Normal");
        Assert.Equal(("MtlsListener", "Rendered", "mtls-operator"), (normal.InvolvedObject.Kind, normal.Reason, normal.Source.Component));
        Assert.Equal((string?)(await fx.TryGetCustomAsync("mtlslisteners", "apps", "agent"))!["metadata"]!["uid"], normal.InvolvedObject.Uid);
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
