using System.Text.Json.Nodes;
using MtlsOperator.Cli;

namespace MtlsOperator.Tests.Injection;

/// <summary>AdmissionReview v1 requests shaped as kube-apiserver sends them for a pod a ReplicaSet creates.</summary>
internal static class AdmissionReviews
{
    /// <summary>The review for creating <paramref name="podYaml"/> in <paramref name="ns"/>.</summary>
    public static JsonObject ForPodCreate(string podYaml, string ns = "apps", string operation = "CREATE")
    {
        var pod = ManifestYaml.ReadDocuments(podYaml).Single().AsObject();
        pod["metadata"]!.AsObject().Remove("namespace");
        pod["metadata"]!["generateName"] = "web-7d9f8b6c5d-";
        pod["metadata"]!.AsObject().Remove("name");
        pod["status"] = new JsonObject();
        return JsonNode.Parse($$"""
            {
              "kind": "AdmissionReview",
              "apiVersion": "admission.k8s.io/v1",
              "request": {
                "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                "kind": { "group": "", "version": "v1", "kind": "Pod" },
                "resource": { "group": "", "version": "v1", "resource": "pods" },
                "requestKind": { "group": "", "version": "v1", "kind": "Pod" },
                "requestResource": { "group": "", "version": "v1", "resource": "pods" },
                "namespace": "{{ns}}",
                "operation": "{{operation}}",
                "userInfo": {
                  "username": "system:serviceaccount:kube-system:replicaset-controller",
                  "uid": "4e0b3b35-ef1e-4c3c-9b4b-6c8a1c1d0e55",
                  "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]
                },
                "object": {{pod.ToJsonString()}},
                "oldObject": null,
                "dryRun": false,
                "options": { "kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "kube-controller-manager" }
              }
            }
            """)!.AsObject();
    }

    /// <summary>The object of the review after the response's patch (base64 JSONPatch) is applied, as the API server does.</summary>
    public static JsonObject Patched(JsonObject review, JsonObject response)
    {
        var pod = review["request"]!["object"]!.AsObject();
        if (response["response"]!["patch"] is not { } patch)
        {
            return pod.DeepClone().AsObject();
        }

        Assert.Equal("JSONPatch", (string?)response["response"]!["patchType"]);
        return TestApiServer.JsonPatch.Apply(pod, JsonNode.Parse(Convert.FromBase64String((string)patch!)));
    }
}
