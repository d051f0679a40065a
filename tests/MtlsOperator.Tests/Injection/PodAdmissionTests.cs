using System.Collections.Immutable;
using System.Text.Json.Nodes;
using k8s;
using MtlsOperator.Cli;
using MtlsOperator.Engine.Admission;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Injection;
using static MtlsOperator.Tests.Injection.InjectionManifests;

namespace MtlsOperator.Tests.Injection;

public sealed class PodAdmissionTests
{
    private static readonly MtlsListener s_listener = KubernetesJson.Deserialize<MtlsListener>(ManifestYaml.ReadDocuments(Listener()).Single().ToJsonString());

    private static AdmissionContext Context(bool synced = true) => new(
        (ns, name) => ns == "apps" && name == "agent" ? s_listener : null, synced, SidecarSettings.Default, ["mtls-system", "kube-system"]);

    private static JsonObject Answer(JsonObject review, AdmissionContext? context = null) =>
        // Through text both ways, as on the wire.
        JsonNode.Parse(PodAdmission.Review(JsonNode.Parse(review.ToJsonString())!.AsObject(), context ?? Context()).ToReview().ToJsonString())!.AsObject();

    [Fact]
    public void The_answer_is_an_admission_review_v1_echoing_the_uid()
    {
        var answer = Answer(AdmissionReviews.ForPodCreate(Workload("Pod")));

        Assert.Equal("admission.k8s.io/v1", (string?)answer["apiVersion"]);
        Assert.Equal("AdmissionReview", (string?)answer["kind"]);
        Assert.Equal("705ab4f5-6393-11e8-b7cc-42010a800002", (string?)answer["response"]!["uid"]);
        Assert.True((bool?)answer["response"]!["allowed"]);
    }

    [Fact]
    public void The_patch_applied_to_the_pod_gives_the_injected_pod_spec()
    {
        var review = AdmissionReviews.ForPodCreate(Workload("Pod"));

        var patched = AdmissionReviews.Patched(review, Answer(review));

        var expected = PodInjector.Inject(review["request"]!["object"]!.AsObject(), s_listener, SidecarSettings.Default).Pod!;
        Assert.True(JsonNode.DeepEquals(expected, patched), patched.ToJsonString());
        Assert.Equal(["app", "mtls-proxy"], patched["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal("agent-mtls", (string?)patched["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "mtls-output")!["secret"]!["secretName"]);
    }

    [Fact]
    public void The_patch_adds_and_never_removes_what_the_pod_had()
    {
        var review = AdmissionReviews.ForPodCreate(Workload("Pod"));

        var operations = JsonNode.Parse(Convert.FromBase64String((string)Answer(review)["response"]!["patch"]!))!.AsArray();

        Assert.All(operations, o => Assert.Equal("add", (string?)o!["op"]));
        Assert.Contains(operations, o => (string?)o!["path"] == "/metadata/annotations/kubectl.kubernetes.io~1default-container");
    }

    [Fact]
    public void A_pod_injected_already_gets_no_patch()
    {
        var review = AdmissionReviews.ForPodCreate(Workload("Pod"));
        review["request"]!["object"] = AdmissionReviews.Patched(review, Answer(review));

        var answer = Answer(review);

        Assert.True((bool?)answer["response"]!["allowed"]);
        Assert.Null(answer["response"]!["patch"]);
    }

    [Fact]
    public void A_pod_without_the_annotation_is_allowed_unchanged()
    {
        var answer = Answer(AdmissionReviews.ForPodCreate(Workload("Pod", listener: null)));

        Assert.True((bool?)answer["response"]!["allowed"]);
        Assert.Null(answer["response"]!["patch"]);
        Assert.Null(answer["response"]!["warnings"]);
    }

    [Fact]
    public void A_pod_labelled_for_injection_but_naming_no_listener_is_allowed_with_a_warning()
    {
        var review = AdmissionReviews.ForPodCreate(Workload("Pod", listener: null));
        review["request"]!["object"]!["metadata"]!["labels"]!["mtls-operator.io/inject"] = "enabled";

        var answer = Answer(review);

        Assert.True((bool?)answer["response"]!["allowed"]);
        Assert.Null(answer["response"]!["patch"]);
        Assert.Contains("no mtls-operator.io/listener annotation", (string?)answer["response"]!["warnings"]![0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mtls-system")]
    [InlineData("kube-system")]
    public void Pods_in_the_operators_own_and_system_namespaces_are_allowed_unchanged_whatever_they_ask(string ns)
    {
        var answer = Answer(AdmissionReviews.ForPodCreate(Workload("Pod", listener: "missing"), ns));

        Assert.True((bool?)answer["response"]!["allowed"]);
        Assert.Null(answer["response"]!["patch"]);
    }

    [Fact]
    public void A_pod_naming_an_unknown_listener_is_refused_so_the_app_never_runs_without_its_proxy()
    {
        var answer = Answer(AdmissionReviews.ForPodCreate(Workload("Pod", listener: "missing")));

        Assert.False((bool?)answer["response"]!["allowed"]);
        Assert.Equal(403, (int?)answer["response"]!["status"]!["code"]);
        Assert.Contains("MtlsListener apps/missing", (string?)answer["response"]!["status"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_listener_of_another_namespace_is_not_found()
    {
        var answer = Answer(AdmissionReviews.ForPodCreate(Workload("Pod"), "other"));

        Assert.False((bool?)answer["response"]!["allowed"]);
    }

    [Fact]
    public void Before_the_listener_cache_has_synced_a_pod_asking_for_an_unknown_listener_is_refused_as_retryable()
    {
        var answer = Answer(AdmissionReviews.ForPodCreate(Workload("Pod", listener: "not-listed-yet")), Context(synced: false));

        Assert.False((bool?)answer["response"]!["allowed"]);
        Assert.Contains("retry", (string?)answer["response"]!["status"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_clash_is_refused_with_the_reason()
    {
        var review = AdmissionReviews.ForPodCreate(Workload("Pod"));
        review["request"]!["object"]!["spec"]!["containers"]![0]!["ports"]!.AsArray().Add(new JsonObject { ["containerPort"] = 8443 });

        var answer = Answer(review);

        Assert.False((bool?)answer["response"]!["allowed"]);
        Assert.Contains("declares port 8443", (string?)answer["response"]!["status"]!["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE")]
    [InlineData("DELETE")]
    public void Only_creation_is_mutated(string operation)
    {
        var answer = Answer(AdmissionReviews.ForPodCreate(Workload("Pod"), operation: operation));

        Assert.True((bool?)answer["response"]!["allowed"]);
        Assert.Null(answer["response"]!["patch"]);
    }

    [Fact]
    public void The_inject_command_and_the_webhook_give_the_same_pod_spec()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, new InjectCommand(new StringReader(Workload("Deployment") + "---\n" + Listener()), stdout, new StringWriter()).Run([]));
        var fromInject = PodTemplates.Of(ManifestYaml.ReadDocuments(stdout.ToString()).OfType<JsonObject>().First())!;

        // The pod the ReplicaSet creates from the un-injected template, sent through the webhook.
        var template = PodTemplates.Of(ManifestYaml.ReadDocuments(Workload("Deployment")).Single().AsObject())!.DeepClone().AsObject();
        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = template["metadata"]!.DeepClone(), ["spec"] = template["spec"]!.DeepClone() };
        var review = AdmissionReviews.ForPodCreate(ManifestYaml.Write(pod));
        var fromWebhook = AdmissionReviews.Patched(review, Answer(review));

        Assert.True(JsonNode.DeepEquals(fromInject["spec"], fromWebhook["spec"]), fromWebhook["spec"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(fromInject["metadata"]!["annotations"], fromWebhook["metadata"]!["annotations"]));
        Assert.True(JsonNode.DeepEquals(fromInject["metadata"]!["labels"], fromWebhook["metadata"]!["labels"]));
    }
}
