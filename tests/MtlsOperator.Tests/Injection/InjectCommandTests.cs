using System.Text.Json.Nodes;
using MtlsOperator.Cli;
using MtlsOperator.Engine.Injection;
using static MtlsOperator.Tests.Injection.InjectionManifests;

namespace MtlsOperator.Tests.Injection;

public sealed class InjectCommandTests
{
    private static (int Exit, string Stdout, string Stderr) Inject(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = new InjectCommand(new StringReader(stdin), stdout, stderr).Run(args);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static IReadOnlyList<JsonObject> Documents(string yaml) => ManifestYaml.ReadDocuments(yaml).OfType<JsonObject>().ToList();

    private static JsonObject TemplateOf(string yaml, string kind) => PodTemplates.Of(Documents(yaml).Single(d => (string?)d["kind"] == kind))!;

    private static IEnumerable<string?> ContainerNames(JsonObject template) => template["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]);

    [Theory]
    [InlineData("Deployment")]
    [InlineData("StatefulSet")]
    [InlineData("DaemonSet")]
    [InlineData("ReplicaSet")]
    [InlineData("Job")]
    [InlineData("CronJob")]
    [InlineData("Pod")]
    public void An_annotated_workload_of_every_kind_gets_the_sidecar(string kind)
    {
        var (exit, stdout, stderr) = Inject(Workload(kind) + "---\n" + Listener());

        Assert.True(exit == 0, stderr);
        var template = TemplateOf(stdout, kind);
        Assert.Equal(["app", "mtls-proxy"], ContainerNames(template));
        Assert.Equal("agent-mtls", (string?)template["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "mtls-output")!["secret"]!["secretName"]);
    }

    [Fact]
    public void Other_documents_are_printed_exactly_as_written()
    {
        var (exit, stdout, _) = Inject(Service + "---\n" + Workload() + "---\n" + Listener());

        Assert.Equal(0, exit);
        Assert.StartsWith("---\n" + Service.TrimEnd() + "\n---\n", stdout, StringComparison.Ordinal);
        Assert.Contains(Listener().TrimEnd(), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workload_without_the_annotation_is_left_as_written()
    {
        var workload = Workload(listener: null);

        var (exit, stdout, _) = Inject(workload + "---\n" + Listener());

        Assert.Equal(0, exit);
        Assert.Contains(workload.TrimEnd(), stdout, StringComparison.Ordinal);
        Assert.Equal(["app"], ContainerNames(TemplateOf(stdout, "Deployment")));
    }

    [Fact]
    public void Listener_option_annotates_and_injects_workloads_that_name_none()
    {
        var (exit, stdout, _) = Inject(Workload(listener: null) + "---\n" + Listener(), "--listener", "agent");

        Assert.Equal(0, exit);
        var template = TemplateOf(stdout, "Deployment");
        Assert.Equal("agent", (string?)template["metadata"]!["annotations"]!["mtls-operator.io/listener"]);
        Assert.Equal(["app", "mtls-proxy"], ContainerNames(template));
    }

    [Fact]
    public void Workloads_inside_a_list_are_injected()
    {
        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray(Documents(Workload()).Single().DeepClone()) };

        var (exit, stdout, _) = Inject(ManifestYaml.Write(list) + "---\n" + Listener());

        Assert.Equal(0, exit);
        var item = Documents(stdout).Single(d => (string?)d["kind"] == "List")["items"]![0]!.AsObject();
        Assert.Equal(["app", "mtls-proxy"], ContainerNames(PodTemplates.Of(item)!));
    }

    [Fact]
    public void A_listener_missing_from_the_inputs_is_an_error_and_nothing_is_printed()
    {
        var (exit, stdout, stderr) = Inject(Workload(listener: "elsewhere") + "---\n" + Listener());

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal("", stdout);
        Assert.Contains("MtlsListener apps/elsewhere is not among the inputs", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listener_in_another_namespace_is_not_used()
    {
        var (exit, _, stderr) = Inject(Workload(ns: "apps") + "---\n" + Listener(ns: "other"));

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("MtlsListener apps/agent is not among the inputs", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_clash_is_refused_with_the_reason()
    {
        var (exit, _, stderr) = Inject(Workload() + "---\n" + Listener(listenPort: 8080));

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("declares port 8080", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Injecting_the_output_again_prints_the_same_text()
    {
        var once = Inject(Workload() + "---\n" + Listener()).Stdout;

        Assert.Equal(once, Inject(once).Stdout);
    }

    [Fact]
    public void Files_and_directories_are_read_like_kubectl_apply_f()
    {
        var dir = Directory.CreateTempSubdirectory("inject-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "listener.yaml"), Listener());
            var workload = Path.Combine(Path.GetTempPath(), dir.Name + "-web.yaml");
            File.WriteAllText(workload, Workload());

            var (exit, stdout, stderr) = Inject("", "-f", workload, "-f", dir.FullName);

            Assert.True(exit == 0, stderr);
            Assert.Equal(["app", "mtls-proxy"], ContainerNames(TemplateOf(stdout, "Deployment")));
            File.Delete(workload);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Sidecar_options_set_the_image_and_status_port()
    {
        var (exit, stdout, _) = Inject(Workload() + "---\n" + Listener(), "--sidecar-image-haproxy", "registry.example.com/sc:1", "--sidecar-status-port", "15999");

        Assert.Equal(0, exit);
        var sidecar = TemplateOf(stdout, "Deployment")["spec"]!["containers"]![1]!;
        Assert.Equal("registry.example.com/sc:1", (string?)sidecar["image"]);
        Assert.Contains(sidecar["ports"]!.AsArray(), p => (long?)p!["containerPort"] == 15999);
    }
}
