namespace MtlsOperator.Tests.Injection;

/// <summary>Workload and listener manifests for the inject command and the webhook.</summary>
internal static class InjectionManifests
{
    public static string Listener(string name = "agent", string ns = "apps", string proxy = "haproxy", int listenPort = 8443) => $"""
        apiVersion: mtls-operator.io/v1alpha1
        kind: MtlsListener
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          proxy: {proxy}
          listenPort: {listenPort}
          upstreamPort: 8080
          serverCertificateRefs: [{"{"} name: agent {"}"}]
          clientAuthPolicyRef: {"{"} name: clients {"}"}
          mountPath: /etc/agent-mtls

        """;

    /// <summary>A workload of <paramref name="kind"/> whose pod template asks for <paramref name="listener"/> (none when null).</summary>
    public static string Workload(string kind = "Deployment", string? listener = "agent", string ns = "apps")
    {
        var annotations = listener is null ? "{}" : $"{{ mtls-operator.io/listener: {listener} }}";
        var template = $$"""
            metadata:
              labels: { app: web }
              annotations: {{annotations}}
            spec:
              containers:
                - name: app
                  image: example/web:1   # the app itself
                  ports: [{ containerPort: 8080 }]
            """;
        return kind switch
        {
            "Pod" => $"""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  namespace: {ns}
                  labels: {"{"} app: web {"}"}
                  annotations: {annotations}
                spec:
                  containers:
                    - name: app
                      image: example/web:1
                      ports: [{"{"} containerPort: 8080 {"}"}]

                """,
            "CronJob" => $"""
                apiVersion: batch/v1
                kind: CronJob
                metadata: {"{"} name: web, namespace: {ns} {"}"}
                spec:
                  schedule: "@hourly"
                  jobTemplate:
                    spec:
                      template:
                {Indent(template, 8)}

                """,
            _ => $"""
                apiVersion: {(kind == "Job" ? "batch/v1" : "apps/v1")}
                kind: {kind}
                metadata: {"{"} name: web, namespace: {ns} {"}"}
                spec:
                  selector: {"{"} matchLabels: {"{"} app: web {"}"} {"}"}
                  template:
                {Indent(template, 4)}

                """,
        };
    }

    public const string Service = """
        # the Service stays exactly as written
        apiVersion: v1
        kind: Service
        metadata: { name: web, namespace: apps }   # flow style kept
        spec: { ports: [{ port: 8443, targetPort: mtls }] }

        """;

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(l => new string(' ', spaces) + l));
}
