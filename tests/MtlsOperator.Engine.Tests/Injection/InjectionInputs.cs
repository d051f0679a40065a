using System.Text.Json.Nodes;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Tests.Injection;

/// <summary>Listeners and pods for injection tests.</summary>
internal static class InjectionInputs
{
    public static MtlsListener Listener(string name = "agent", string proxy = "haproxy", int listenPort = 8443, string? mountPath = null, string? outputSecret = null) => new()
    {
        Metadata = new() { Name = name, NamespaceProperty = "apps", Generation = 1 },
        Spec = new MtlsListenerSpec
        {
            Proxy = proxy,
            ListenPort = listenPort,
            UpstreamPort = 8080,
            MountPath = mountPath,
            OutputSecretName = outputSecret,
            ServerCertificateRefs = [new ObjectReference { Name = name }],
            ClientAuthPolicyRef = new ObjectReference { Name = "clients" },
        },
    };

    /// <summary>A pod as a user writes it: one app container on 8080, annotated for <paramref name="listener"/>.</summary>
    public static JsonObject Pod(string listener = "agent") => JsonNode.Parse($$"""
        {
          "apiVersion": "v1", "kind": "Pod",
          "metadata": { "name": "web", "namespace": "apps", "labels": { "app": "web" },
                        "annotations": { "mtls-operator.io/listener": "{{listener}}" } },
          "spec": {
            "containers": [ { "name": "app", "image": "example/app:1", "ports": [ { "containerPort": 8080 } ] } ],
            "volumes": [ { "name": "data", "emptyDir": {} } ]
          }
        }
        """)!.AsObject();

    public static JsonObject Sidecar(JsonObject pod) =>
        pod["spec"]!["containers"]!.AsArray().OfType<JsonObject>().Single(c => (string?)c["name"] == "mtls-proxy");

    public static JsonObject Volume(JsonObject pod, string name) =>
        pod["spec"]!["volumes"]!.AsArray().OfType<JsonObject>().Single(v => (string?)v["name"] == name);
}
