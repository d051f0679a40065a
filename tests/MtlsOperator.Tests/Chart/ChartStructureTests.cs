using System.Text.Json.Nodes;
using MtlsOperator.Cli;

namespace MtlsOperator.Tests.Chart;

/// <summary>The Helm chart's files, checked for structure without a helm binary (see <see cref="TemplateSkeleton"/>).</summary>
public sealed class ChartStructureTests
{
    public static TheoryData<string> Templates => [.. HelmChart.TemplateFiles];

    [Fact]
    public void Chart_crds_are_byte_identical_copies_of_the_generated_crds()
    {
        var generated = Directory.GetFiles(RepositoryRoot.Combine("crds"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var copied = Directory.GetFiles(HelmChart.PathOf("crds"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        const string sync = "run: rm charts/mtls-operator/crds/*.yaml && cp crds/*.yaml charts/mtls-operator/crds/";

        Assert.True(generated.SequenceEqual(copied), $"charts/mtls-operator/crds/ holds [{string.Join(", ", copied)}] but crds/ holds [{string.Join(", ", generated)}]; {sync}");
        foreach (var file in generated)
        {
            Assert.True(File.ReadAllBytes(RepositoryRoot.Combine("crds", file!)).AsSpan().SequenceEqual(File.ReadAllBytes(HelmChart.PathOf(Path.Combine("crds", file!)))),
                $"charts/mtls-operator/crds/{file} differs from crds/{file}; {sync}");
        }
    }

    [Fact]
    public void Chart_yaml_is_a_v2_application_chart_at_0_1_0()
    {
        var chart = HelmChart.ReadObject("Chart.yaml");

        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("mtls-operator", (string?)chart["name"]);
        Assert.Equal("application", (string?)chart["type"]);
        Assert.Equal("0.1.0", (string?)chart["version"]);
        Assert.False(string.IsNullOrEmpty((string?)chart["appVersion"]));
    }

    [Fact]
    public void Default_values_run_two_replicas_under_leader_election_watching_all_namespaces()
    {
        var values = HelmChart.Values;

        Assert.Equal(2, (long)values["replicas"]!);
        Assert.True((bool)values["leaderElection"]!["enabled"]!);
        Assert.Empty(values["watchNamespaces"]!.AsArray());
        Assert.Equal(8080, (long)values["metrics"]!["port"]!);
        Assert.False((bool)values["serviceMonitor"]!["enabled"]!);
        // A registry-qualified default, so the image reference does not fall back to Docker Hub's library namespace.
        Assert.Matches(@"^[a-z0-9.-]+\.[a-z]+(:[0-9]+)?/[a-z0-9/._-]+$", (string?)values["image"]!["repository"]);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_parses_as_yaml_once_actions_are_set_aside(string template)
    {
        var skeleton = HelmChart.Template(template);

        Assert.NotEmpty(skeleton.Documents);
        Assert.All(skeleton.Documents, d => Assert.False(string.IsNullOrEmpty((string?)d["kind"]), $"{template}: a document without kind"));
    }

    [Fact]
    public void Skeleton_reader_reports_an_action_that_spans_lines()
    {
        var e = Assert.Throws<FormatException>(() => TemplateSkeleton.Read("templates/x.yaml", "kind: ConfigMap\nname: {{ include\n \"x\" . }}\n", null));

        Assert.Contains("templates/x.yaml line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Skeleton_reader_reports_yaml_broken_outside_the_actions()
    {
        var e = Assert.Throws<FormatException>(() => TemplateSkeleton.Read("templates/x.yaml", "kind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n   bad: [\n", null));

        Assert.Contains("does not parse as YAML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pod_and_container_run_non_root_read_only_without_privileges_under_runtime_default_seccomp()
    {
        var pod = PodSpec();
        var container = OperatorContainer();
        var security = container["securityContext"]!;

        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!, "pod securityContext.runAsNonRoot");
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        Assert.True((bool)security["runAsNonRoot"]!, "container securityContext.runAsNonRoot");
        Assert.True((bool)security["readOnlyRootFilesystem"]!, "container securityContext.readOnlyRootFilesystem");
        Assert.False((bool)security["allowPrivilegeEscalation"]!, "container securityContext.allowPrivilegeEscalation");
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
        Assert.Null(security["capabilities"]!["add"]);
        Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]!["type"]);
        Assert.Null(security["privileged"]);
    }

    [Fact]
    public void Probes_ask_healthz_and_readyz_on_the_port_the_operator_listens_on()
    {
        var container = OperatorContainer();
        var port = Assert.Single(container["ports"]!.AsArray(), p => (string?)p!["name"] == "http")!;

        Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal((string?)port["name"], (string?)container["livenessProbe"]!["httpGet"]!["port"]);
        Assert.Equal((string?)port["name"], (string?)container["readinessProbe"]!["httpGet"]!["port"]);
        Assert.Equal(HelmChart.Values["metrics"]!["port"]!.ToJsonString(), port["containerPort"]!.ToJsonString());
        Assert.Contains($"--health-port={port["containerPort"]}", Args());
    }

    [Fact]
    public void Pod_name_and_namespace_come_from_the_downward_api()
    {
        var env = OperatorContainer()["env"]!.AsArray();

        foreach (var (name, field) in new[] { ("POD_NAME", "metadata.name"), ("POD_NAMESPACE", "metadata.namespace") })
        {
            var variable = Assert.Single(env, e => (string?)e!["name"] == name)!;
            Assert.Equal(field, (string?)variable["valueFrom"]!["fieldRef"]!["fieldPath"]);
        }
    }

    [Fact]
    public void Operator_runs_with_leader_election_and_its_lease_in_the_release_namespace()
    {
        var args = Args();
        var deployment = HelmChart.Template("templates/deployment.yaml");

        Assert.Equal("run", args[0]);
        Assert.Contains("--leader-elect=true", args);
        Assert.Contains($"--lease-name={HelmChart.Values["leaderElection"]!["leaseName"]}", args);
        Assert.Contains($"--lease-namespace={deployment.PlaceholderOf(".Release.Namespace")}", args);
    }

    [Fact]
    public void Every_flag_the_deployment_passes_is_one_the_run_command_knows()
    {
        var flags = Args().Skip(1).Select(a => a.Split('=')[0]).ToList();

        Assert.All(flags, flag => Assert.True(RunCommand.Usage.Contains($"[{flag} ", StringComparison.Ordinal), $"mtls-operator run has no option {flag}:\n{RunCommand.Usage}"));
    }

    [Fact]
    public void Pod_disruption_budget_exists_only_with_more_than_one_replica_and_selects_the_operator_pods()
    {
        var file = HelmChart.Template("templates/poddisruptionbudget.yaml");
        var text = File.ReadAllText(HelmChart.PathOf(file.File));
        var pdb = ChartRbac.Single(file, "PodDisruptionBudget");

        Assert.StartsWith("{{- if gt (int .Values.replicas) 1 }}", text, StringComparison.Ordinal);
        Assert.Equal(1, (long)pdb["spec"]!["minAvailable"]!);
        Assert.Contains("include \"mtls-operator.selectorLabels\" . | nindent 6", text, StringComparison.Ordinal);
    }

    private static JsonObject PodSpec() =>
        HelmChart.Manifest("templates/deployment.yaml", "Deployment")["spec"]!["template"]!["spec"]!.AsObject();

    private static JsonObject OperatorContainer() => Assert.Single(PodSpec()["containers"]!.AsArray())!.AsObject();

    private static List<string> Args() => [.. OperatorContainer()["args"]!.AsArray().Select(a => (string)a!)];
}
