using System.Globalization;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Injection;
using static MtlsOperator.Engine.Tests.Injection.InjectionInputs;

namespace MtlsOperator.Engine.Tests.Injection;

/// <summary>Random pods and listeners: injection is idempotent, adds exactly one sidecar, keeps everything else.
/// Replay a failure with MTLS_TEST_SEED=&lt;seed&gt;.</summary>
public sealed class PodInjectorPropertyTests
{
    [Fact]
    public void Any_pod_injected_keeps_its_containers_and_volumes_gets_one_sidecar_and_is_a_fixed_point()
    {
        var seed = Environment.GetEnvironmentVariable("MTLS_TEST_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 80_211;
        var random = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            var pod = RandomPod(random);
            var listener = Listener(proxy: new[] { "haproxy", "nginx", "envoy" }[random.Next(3)], listenPort: 9000 + random.Next(100), mountPath: random.Next(2) == 0 ? null : "/etc/m" + random.Next(9));
            var context = $"seed {seed}, case {i}: {pod.ToJsonString()}";

            var result = PodInjector.Inject(pod, listener, SidecarSettings.Default);
            if (result.Pod is not { } injected)
            {
                Assert.True(result.Refusal is not null && pod.ToJsonString().Contains($"\"containerPort\":{listener.Spec.ListenPort}", StringComparison.Ordinal), context);
                continue;
            }

            var before = Names(pod, "containers").Where(n => n != "mtls-proxy").ToList();
            var after = Names(injected, "containers").ToList();
            Assert.True(after.Count(n => n == "mtls-proxy") == 1, context);
            Assert.True(before.SequenceEqual(after.Where(n => n != "mtls-proxy")), context);
            Assert.True(Names(pod, "volumes").Where(n => n is not "mtls-output" and not "mtls-runtime").All(Names(injected, "volumes").Contains), context);
            Assert.True(Names(injected, "volumes").Count(n => n == "mtls-output") == 1, context);
            Assert.DoesNotContain("subPath", Sidecar(injected).ToJsonString(), StringComparison.Ordinal);
            Assert.True(JsonNode.DeepEquals(injected, PodInjector.Inject(injected, listener, SidecarSettings.Default).Pod), context);
        }
    }

    private static IEnumerable<string?> Names(JsonObject pod, string list) =>
        (pod["spec"]?[list] as JsonArray ?? []).Select(c => (string?)c!["name"]);

    private static JsonObject RandomPod(Random random)
    {
        var containers = new JsonArray();
        for (var c = random.Next(1, 4); c > 0; c--)
        {
            var ports = new JsonArray();
            for (var p = random.Next(3); p > 0; p--)
            {
                ports.Add(new JsonObject { ["containerPort"] = 8000 + random.Next(2000) });
            }

            containers.Add(new JsonObject { ["name"] = random.Next(10) == 0 ? "mtls-proxy" : "c" + c, ["image"] = "img", ["ports"] = ports });
        }

        var volumes = new JsonArray();
        foreach (var name in new[] { "data", "mtls-output", "config", "mtls-runtime" }.Where(_ => random.Next(2) == 0))
        {
            volumes.Add(new JsonObject { ["name"] = name, ["emptyDir"] = new JsonObject() });
        }

        var metadata = new JsonObject();
        if (random.Next(2) == 0)
        {
            metadata["labels"] = new JsonObject { ["app"] = "x" };
        }

        if (random.Next(2) == 0)
        {
            metadata["annotations"] = new JsonObject { ["a/b"] = "c" };
        }

        var spec = new JsonObject { ["containers"] = containers };
        if (volumes.Count > 0 || random.Next(2) == 0)
        {
            spec["volumes"] = volumes;
        }

        return new JsonObject { ["metadata"] = metadata, ["spec"] = spec };
    }
}
