using System.Text.Json.Nodes;
using MtlsOperator.Cli;
using MtlsOperator.Crds;

namespace MtlsOperator.Tests.Chart;

/// <summary>The Helm chart's files, checked for structure without a helm binary (see <see cref="TemplateSkeleton"/>).</summary>
public sealed class ChartStructureTests
{
    public static TheoryData<string> Templates => [.. HelmChart.TemplateFiles];

    [Fact]
    public void Chart_crd_templates_are_the_generated_crds_behind_the_crds_values()
    {
        var generated = Directory.GetFiles(RepositoryRoot.Combine("crds"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var templated = Directory.GetFiles(HelmChart.PathOf(ChartCrdTemplate.Folder), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        const string sync = "run: dotnet run --project src/MtlsOperator -- crds --out crds --chart charts/mtls-operator";

        Assert.False(Directory.Exists(HelmChart.PathOf("crds")), "charts/mtls-operator/crds/ must not exist: Helm would install those CRDs once and never upgrade them, and they would clash with the templated ones");
        Assert.True(generated.SequenceEqual(templated), $"{ChartCrdTemplate.Folder} holds [{string.Join(", ", templated)}] but crds/ holds [{string.Join(", ", generated)}]; {sync}");
        foreach (var file in generated)
        {
            Assert.True(ChartCrdTemplate.Wrap(File.ReadAllText(RepositoryRoot.Combine("crds", file!))) == File.ReadAllText(HelmChart.PathOf(Path.Combine(ChartCrdTemplate.Folder, file!))),
                $"charts/mtls-operator/{ChartCrdTemplate.Folder}/{file} differs from crds/{file}; {sync}");
        }
    }

    [Fact]
    public void Crds_are_installed_and_kept_on_uninstall_by_default()
    {
        Assert.True((bool)HelmChart.Values["crds"]!["enabled"]!);
        Assert.True((bool)HelmChart.Values["crds"]!["keep"]!);
        foreach (var template in HelmChart.TemplateFiles.Where(t => t.StartsWith(ChartCrdTemplate.Folder + "/", StringComparison.Ordinal)))
        {
            var crd = HelmChart.Template(template).Documents.Single();
            Assert.Equal("CustomResourceDefinition", (string?)crd["kind"]);
            Assert.Equal("keep", (string?)crd["metadata"]!["annotations"]!["helm.sh/resource-policy"]);
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
        var deployment = File.ReadAllText(HelmChart.PathOf("templates/deployment.yaml"));
        var pod = new JsonObject { ["securityContext"] = HelmChart.Values["podSecurityContext"]!.DeepClone() };
        var security = HelmChart.Values["securityContext"]!;

        // The defaults are values, so a platform that assigns its own UID or needs another profile can override them.
        Assert.Contains("{{- toYaml .Values.podSecurityContext | nindent 8 }}", deployment, StringComparison.Ordinal);
        Assert.Contains("{{- toYaml .Values.securityContext | nindent 12 }}", deployment, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"runAs(User|Group):\s*\d", deployment + File.ReadAllText(HelmChart.PathOf("values.yaml")));

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
    public void A_client_side_request_limit_is_passed_only_when_set_and_is_off_by_default()
    {
        var deployment = File.ReadAllText(HelmChart.PathOf("templates/deployment.yaml"));
        var kubeApi = HelmChart.Values["kubeApi"]!;

        Assert.Contains("{{- with .Values.kubeApi.qps }}\n            - --kube-api-qps={{ . }}\n            {{- end }}", deployment, StringComparison.Ordinal);
        Assert.Contains("{{- with .Values.kubeApi.burst }}\n            - --kube-api-burst={{ . }}\n            {{- end }}", deployment, StringComparison.Ordinal);
        Assert.Null(kubeApi["qps"]);
        Assert.Null(kubeApi["burst"]);
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

    [Fact]
    public void Replicas_prefer_different_nodes_and_zones_by_default_and_users_can_replace_either()
    {
        var helpers = File.ReadAllText(HelmChart.PathOf("templates/_helpers.tpl"));
        var deployment = File.ReadAllText(HelmChart.PathOf("templates/deployment.yaml"));

        Assert.Contains("{{- include \"mtls-operator.affinity\" . | nindent 8 }}", deployment, StringComparison.Ordinal);
        Assert.Contains("{{- include \"mtls-operator.topologySpreadConstraints\" . | nindent 8 }}", deployment, StringComparison.Ordinal);
        Assert.Matches(@"(?s)define ""mtls-operator.affinity"".*if \.Values\.affinity.*preferredDuringSchedulingIgnoredDuringExecution.*topologyKey: kubernetes.io/hostname", helpers);
        Assert.Matches(@"(?s)define ""mtls-operator.topologySpreadConstraints"".*if \.Values\.topologySpreadConstraints.*topology.kubernetes.io/zone\s+whenUnsatisfiable: ScheduleAnyway", helpers);
        Assert.Empty(HelmChart.Values["affinity"]!.AsObject());
        Assert.Empty(HelmChart.Values["topologySpreadConstraints"]!.AsArray());
    }

    [Fact]
    public void Lease_timings_log_level_and_extra_arguments_and_environment_come_from_values()
    {
        var args = Args();
        var election = HelmChart.Values["leaderElection"]!;

        Assert.Contains($"--lease-duration={election["leaseDuration"]}", args);
        Assert.Contains($"--renew-deadline={election["renewDeadline"]}", args);
        Assert.Contains($"--retry-period={election["retryPeriod"]}", args);
        Assert.Contains($"--log-level={HelmChart.Values["logLevel"]}", args);
        var deployment = File.ReadAllText(HelmChart.PathOf("templates/deployment.yaml"));
        Assert.Contains("{{- with .Values.extraArgs }}", deployment, StringComparison.Ordinal);
        Assert.Contains("{{- with .Values.extraEnv }}", deployment, StringComparison.Ordinal);
        // The chart's defaults must be accepted by the operator's own flag parser.
        Assert.True(Duration.Parse("--lease-duration", (string)election["leaseDuration"]!) > Duration.Parse("--renew-deadline", (string)election["renewDeadline"]!));
        Assert.True(Duration.Parse("--renew-deadline", (string)election["renewDeadline"]!) > Duration.Parse("--retry-period", (string)election["retryPeriod"]!));
        Assert.Contains((string)HelmChart.Values["logLevel"]!, MtlsOperator.Hosting.OperatorLogging.Levels.Keys);
    }
}
