using System.Text.Json.Nodes;
using MtlsOperator.Engine.Injection;
using MtlsOperator.Webhook;

namespace MtlsOperator.Tests.Chart;

/// <summary>The webhook's objects in the chart: behind <c>webhook.enabled</c>, selectors that can never catch the
/// operator's own pods or kube-system, names that agree with what the deployment passes the operator.</summary>
public sealed class WebhookChartTests
{
    private static JsonObject Configuration() => HelmChart.Manifest("templates/webhook.yaml", "MutatingWebhookConfiguration");

    private static JsonObject Hook() => Assert.Single(Configuration()["webhooks"]!.AsArray())!.AsObject();

    [Theory]
    [InlineData("templates/webhook.yaml")]
    [InlineData("templates/webhook-rbac.yaml")]
    public void Every_webhook_object_is_behind_webhook_enabled_which_is_off_by_default(string file)
    {
        var text = File.ReadAllText(HelmChart.PathOf(file)).Trim();

        Assert.StartsWith("{{- if .Values.webhook.enabled }}", text, StringComparison.Ordinal);
        Assert.EndsWith("{{- end }}", text, StringComparison.Ordinal);
        Assert.Equal(1, text.Split("{{- if ").Length - 1);
        Assert.False((bool)HelmChart.Values["webhook"]!["enabled"]!);
    }

    [Fact]
    public void The_deployment_passes_the_webhook_flags_and_port_only_when_enabled()
    {
        var text = File.ReadAllText(HelmChart.PathOf("templates/deployment.yaml"));
        var block = text[text.IndexOf("{{- if .Values.webhook.enabled }}", StringComparison.Ordinal)..];
        block = block[..block.IndexOf("{{- end }}", StringComparison.Ordinal)];

        Assert.Contains("--webhook-port=", block, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("{{- if .Values.webhook.enabled }}").Length - 1);
        Assert.Equal(HelmChart.Values["webhook"]!["port"]!.ToJsonString(), ChartRbac.ArgumentOf("--webhook-port"));
    }

    [Fact]
    public void Only_pod_creation_is_sent_and_failure_refuses_the_opted_in_pod()
    {
        var hook = Hook();
        var rule = Assert.Single(hook["rules"]!.AsArray())!;

        Assert.Equal(["CREATE"], rule["operations"]!.AsArray().Select(o => (string?)o));
        Assert.Equal(["pods"], rule["resources"]!.AsArray().Select(o => (string?)o));
        Assert.Equal([""], rule["apiGroups"]!.AsArray().Select(o => (string?)o));
        Assert.Equal("Fail", (string?)HelmChart.Values["webhook"]!["failurePolicy"]);
        Assert.Equal("None", (string?)hook["sideEffects"]);
        Assert.Equal(["v1"], hook["admissionReviewVersions"]!.AsArray().Select(o => (string?)o));
    }

    [Fact]
    public void The_operators_namespace_and_the_system_namespaces_are_never_sent()
    {
        var file = HelmChart.Template("templates/webhook.yaml");
        var expression = Assert.Single(Hook()["namespaceSelector"]!["matchExpressions"]!.AsArray())!;

        Assert.Equal("kubernetes.io/metadata.name", (string?)expression["key"]);
        Assert.Equal("NotIn", (string?)expression["operator"]);
        var excluded = expression["values"]!.AsArray().Select(v => (string?)v).ToList();
        Assert.Contains(file.PlaceholderOf(".Release.Namespace"), excluded);
        Assert.Contains("kube-system", excluded);
        Assert.All(new WebhookOptions().SystemNamespaces, ns => Assert.Contains(ns, excluded));
    }

    [Fact]
    public void Only_pods_with_the_opt_in_label_are_sent()
    {
        var labels = Hook()["objectSelector"]!["matchLabels"]!.AsObject();

        Assert.Equal(InjectionNames.InjectLabelValue, (string?)Assert.Single(labels, l => l.Key == InjectionNames.InjectLabel).Value);
        Assert.Single(labels);
    }

    [Fact]
    public void The_ca_bundle_is_left_to_the_operator_and_the_client_config_names_the_webhook_service_and_path()
    {
        var file = HelmChart.Template("templates/webhook.yaml");
        var service = ChartRbac.Single(file, "Service");
        var clientConfig = Hook()["clientConfig"]!;

        Assert.Null(clientConfig["caBundle"]);
        Assert.Null(clientConfig["url"]);
        Assert.Equal((string?)service["metadata"]!["name"], (string?)clientConfig["service"]!["name"]);
        Assert.Equal(file.PlaceholderOf(".Release.Namespace"), (string?)clientConfig["service"]!["namespace"]);
        Assert.Equal(WebhookServer.MutatePodsPath, (string?)clientConfig["service"]!["path"]);
        var port = Assert.Single(service["spec"]!["ports"]!.AsArray())!;
        Assert.Equal(port["port"]!.ToJsonString(), clientConfig["service"]!["port"]!.ToJsonString());
        Assert.Equal("webhook", (string?)port["targetPort"]);
    }

    [Fact]
    public void The_names_the_operator_is_given_are_the_objects_the_chart_creates_and_grants()
    {
        var file = HelmChart.Template("templates/webhook.yaml");
        var known = new[] { ("include \"mtls-operator.fullname\" .", ChartRbac.RenderedFullName) };

        Assert.Equal(file.Rendered((string)Configuration()["metadata"]!["name"]!, known), ChartRbac.ArgumentOf("--webhook-configuration"));
        Assert.Equal(file.Rendered((string)ChartRbac.Single(file, "Service")["metadata"]!["name"]!, known), ChartRbac.ArgumentOf("--webhook-service"));
        Assert.Equal(ChartRbac.RenderedFullName + "-webhook-tls", ChartRbac.ArgumentOf("--webhook-secret"));
    }

    [Fact]
    public void The_deployment_passes_the_sidecar_images_of_every_proxy_flavour()
    {
        foreach (var proxy in new[] { "haproxy", "nginx", "envoy" })
        {
            Assert.Equal((string?)HelmChart.Values["sidecar"]!["images"]![proxy], ChartRbac.ArgumentOf("--sidecar-image-" + proxy));
            Assert.Equal(SidecarSettings.Default.Images[proxy], ChartRbac.ArgumentOf("--sidecar-image-" + proxy));
        }

        Assert.Equal(SidecarSettings.DefaultStatusPort.ToString(System.Globalization.CultureInfo.InvariantCulture), ChartRbac.ArgumentOf("--sidecar-status-port"));
    }
}
