using System.Text.Json.Nodes;
using MtlsOperator.Engine.Injection;
using static MtlsOperator.Engine.Tests.Injection.InjectionInputs;

namespace MtlsOperator.Engine.Tests.Injection;

public sealed class PodInjectorTests
{
    private static JsonObject Injected(JsonObject pod, Api.MtlsListener listener, SidecarSettings? settings = null) =>
        PodInjector.Inject(pod, listener, settings ?? SidecarSettings.Default).Pod ?? throw new InvalidOperationException("refused");

    [Fact]
    public void The_sidecar_runs_the_supervisor_for_the_listeners_proxy_image_mount_and_status_port()
    {
        var sidecar = Sidecar(Injected(Pod(), Listener(proxy: "nginx", mountPath: "/etc/agent-tls")));

        Assert.Equal("mtls-operator-sidecar-nginx:0.1.0", (string?)sidecar["image"]);
        Assert.Equal(["sidecar", "--proxy", "nginx", "--mount", "/etc/agent-tls", "--status-port", "15021"], sidecar["args"]!.AsArray().Select(a => (string?)a));
    }

    [Fact]
    public void The_output_secret_is_mounted_whole_read_only_at_the_mount_path_never_with_sub_path()
    {
        var pod = Injected(Pod(), Listener(outputSecret: "agent-out"));

        var mount = Sidecar(pod)["volumeMounts"]!.AsArray().OfType<JsonObject>().Single(m => (string?)m["name"] == "mtls-output");
        Assert.Equal("/etc/mtls", (string?)mount["mountPath"]);
        Assert.True((bool?)mount["readOnly"]);
        Assert.Null(mount["subPath"]);
        Assert.Null(mount["subPathExpr"]);
        Assert.Equal("agent-out", (string?)Volume(pod, "mtls-output")["secret"]!["secretName"]);
    }

    [Fact]
    public void The_sidecar_declares_the_listen_port_and_probes_its_readyz_and_healthz()
    {
        var sidecar = Sidecar(Injected(Pod(), Listener(listenPort: 9443)));

        var ports = sidecar["ports"]!.AsArray().OfType<JsonObject>().ToDictionary(p => (string)p["name"]!, p => (int)p["containerPort"]!);
        Assert.Equal(9443, ports["mtls"]);
        Assert.Equal(15021, ports["mtls-status"]);
        Assert.Equal("/readyz", (string?)sidecar["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("mtls-status", (string?)sidecar["readinessProbe"]!["httpGet"]!["port"]);
        Assert.Equal("/healthz", (string?)sidecar["livenessProbe"]!["httpGet"]!["path"]);
    }

    [Fact]
    public void The_sidecar_runs_non_root_on_a_read_only_root_filesystem_with_a_writable_runtime_dir_and_requests()
    {
        var pod = Injected(Pod(), Listener());
        var sidecar = Sidecar(pod);

        var security = sidecar["securityContext"]!;
        Assert.True((bool?)security["runAsNonRoot"]);
        Assert.NotEqual(0, (long?)security["runAsUser"]);
        Assert.True((bool?)security["readOnlyRootFilesystem"]);
        Assert.False((bool?)security["allowPrivilegeEscalation"]);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
        Assert.NotNull(Volume(pod, "mtls-runtime")["emptyDir"]);
        Assert.Contains(sidecar["volumeMounts"]!.AsArray(), m => (string?)m!["name"] == "mtls-runtime" && (string?)m["mountPath"] == "/tmp");
        Assert.Equal("50m", (string?)sidecar["resources"]!["requests"]!["cpu"]);
        Assert.Equal("64Mi", (string?)sidecar["resources"]!["requests"]!["memory"]);
    }

    [Fact]
    public void The_pod_is_labelled_for_the_operators_selectors_and_kubectl_keeps_defaulting_to_the_app()
    {
        var pod = Injected(Pod(), Listener());

        Assert.Equal("enabled", (string?)pod["metadata"]!["labels"]!["mtls-operator.io/inject"]);
        Assert.Equal("web", (string?)pod["metadata"]!["labels"]!["app"]);
        Assert.Equal("app", (string?)pod["metadata"]!["annotations"]!["kubectl.kubernetes.io/default-container"]);
    }

    [Fact]
    public void A_default_container_the_user_chose_is_kept()
    {
        var pod = Pod();
        pod["metadata"]!["annotations"]!["kubectl.kubernetes.io/default-container"] = "other";

        Assert.Equal("other", (string?)Injected(pod, Listener())["metadata"]!["annotations"]!["kubectl.kubernetes.io/default-container"]);
    }

    [Fact]
    public void Injecting_twice_changes_nothing()
    {
        var once = Injected(Pod(), Listener());

        Assert.True(JsonNode.DeepEquals(once, Injected(once, Listener())));
    }

    [Fact]
    public void A_pod_injected_for_an_older_listener_spec_is_updated_in_place_not_given_a_second_proxy()
    {
        var old = Injected(Pod(), Listener(proxy: "haproxy", listenPort: 8443, mountPath: "/etc/old", outputSecret: "old"));

        var updated = Injected(old, Listener(proxy: "envoy", listenPort: 9443, mountPath: "/etc/new", outputSecret: "new"));

        Assert.Equal(["app", "mtls-proxy"], updated["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal(["data", "mtls-output", "mtls-runtime"], updated["spec"]!["volumes"]!.AsArray().Select(v => (string?)v!["name"]));
        Assert.True(JsonNode.DeepEquals(Injected(Pod(), Listener(proxy: "envoy", listenPort: 9443, mountPath: "/etc/new", outputSecret: "new")), updated));
    }

    [Fact]
    public void The_input_is_not_modified()
    {
        var pod = Pod();
        var before = pod.DeepClone();

        Injected(pod, Listener());

        Assert.True(JsonNode.DeepEquals(before, pod));
    }

    [Fact]
    public void Fields_this_client_does_not_model_survive_injection()
    {
        var pod = Pod();
        pod["spec"]!["someFutureField"] = new JsonObject { ["x"] = 1 };
        pod["spec"]!["containers"]![0]!["anotherFutureField"] = "kept";

        var injected = Injected(pod, Listener());

        Assert.Equal(1, (int?)injected["spec"]!["someFutureField"]!["x"]);
        Assert.Equal("kept", (string?)injected["spec"]!["containers"]![0]!["anotherFutureField"]);
    }

    [Theory]
    [InlineData(8443)]
    [InlineData(15021)]
    public void An_app_container_already_on_the_listen_or_status_port_is_refused(int port)
    {
        var pod = Pod();
        pod["spec"]!["containers"]![0]!["ports"]!.AsArray().Add(new JsonObject { ["containerPort"] = port });

        var result = PodInjector.Inject(pod, Listener(listenPort: 8443), SidecarSettings.Default);

        Assert.Null(result.Pod);
        Assert.Contains($"port {port}", result.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_proxy_without_a_configured_image_is_refused()
    {
        var settings = SidecarSettings.Default with { Images = SidecarSettings.Default.Images.Remove("envoy") };

        var result = PodInjector.Inject(Pod(), Listener(proxy: "envoy"), settings);

        Assert.Null(result.Pod);
        Assert.Contains("no sidecar image", result.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_port_and_images_come_from_the_settings()
    {
        var settings = SidecarSettings.Default.WithImage("haproxy", "registry.example.com/haproxy-sidecar:2") with { StatusPort = 15090, ImagePullPolicy = "Always" };

        var sidecar = Sidecar(Injected(Pod(), Listener(), settings));

        Assert.Equal("registry.example.com/haproxy-sidecar:2", (string?)sidecar["image"]);
        Assert.Equal("Always", (string?)sidecar["imagePullPolicy"]);
        Assert.Contains(sidecar["ports"]!.AsArray(), p => (int?)p!["containerPort"] == 15090);
    }
}
