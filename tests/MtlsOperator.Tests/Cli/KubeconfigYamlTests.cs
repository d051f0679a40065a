using System.Text;
using CsCheck;
using k8s;
using k8s.KubeConfigModels;
using MtlsOperator.Cli;
using TestPki;

namespace MtlsOperator.Tests.Cli;

/// <summary><c>run --kubeconfig</c> reads a kubeconfig as the client's own loader does: for seeded random kubeconfigs (valid, odd and
/// malformed) both give the same model, the same client configuration or the same error (on failure CsCheck prints the seed, replay
/// with <c>CsCheck_Seed</c>).</summary>
public sealed class KubeconfigYamlTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot("CN=Kubeconfig Test CA");

    private static readonly string[] s_names = ["prod", "dev", "Prod", "kind-kind", "a b", ""];

    private static readonly string[] s_servers =
        ["https://127.0.0.1:6443", "http://127.0.0.1:8080", "https://0.0.0.0:6443", "https://[::]:6443", "https://k8s.example.com", "not a url", ""];

    // Values a YAML 1.1 reader could take for another type, values that need quoting, and plain words.
    private static readonly string[] s_values = ["token-1", "true", "NO", "123", "0x1F", "1e3", "null", "~", "", "a: b", "#x", "é", "-", "[a]", "'q'"];

    private static readonly Gen<string> s_scalar = Gen.Select(Pick([.. s_values, .. s_names]), Gen.Int[0, 2])
        .Select((v, style) => style switch { 0 => v, 1 => "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'", _ => "\"" + v.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" });

    private static readonly Gen<string> s_name = Pick(s_names).Select(n => "\"" + n + "\"");

    private static readonly Gen<string> s_caData = Pick(
        Convert.ToBase64String(Encoding.ASCII.GetBytes(PemExport.Certificate(s_ca.Certificate))),
        Convert.ToBase64String(s_ca.Certificate.RawData),
        "!!!not-base64",
        "");

    private static readonly Gen<string> s_cluster = Gen.Select(s_name, Pick(s_servers), Gen.Int[0, 3], s_caData, Gen.Int[0, 3], s_scalar)
        .Select((name, server, ca, caData, skip, tlsName) => $"""
            - name: {name}
              cluster:
                server: "{server}"
            {(ca == 1 ? $"    certificate-authority-data: \"{caData}\"\n" : "")}{(skip switch { 1 => "    insecure-skip-tls-verify: true\n", 2 => "    insecure-skip-tls-verify: \"false\"\n", _ => "" })}{(ca == 2 ? $"    tls-server-name: {tlsName}\n" : "")}{(ca == 3 ? "    extensions:\n    - name: x\n      extension: {a: 1}\n" : "")}
            """);

    private static readonly Gen<string> s_context = Gen.Select(s_name, s_name, s_name, Gen.Int[0, 2], s_scalar)
        .Select((name, cluster, user, shape, ns) => shape == 0
            ? $"- name: {name}\n  context: {{cluster: {cluster}, user: {user}}}\n"
            : $"- name: {name}\n  context:\n    cluster: {cluster}\n    user: {user}\n{(shape == 2 ? $"    namespace: {ns}\n" : "")}");

    private static readonly Gen<string> s_user = Gen.Select(s_name, Gen.Int[0, 5], s_scalar, s_scalar)
        .Select((name, kind, a, b) => $"- name: {name}\n  user:\n" + kind switch
        {
            0 => $"    token: {a}\n",
            1 => $"    username: {a}\n    password: {b}\n",
            2 => $"    client-certificate-data: {a}\n    client-key-data: {b}\n",
            3 => "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /nonexistent/kubeconfig-test-plugin\n"
                + $"      args: [{a}, {b}]\n      env:\n      - name: {a}\n        value: {b}\n",
            4 => $"    auth-provider:\n      name: oidc\n      config:\n        id-token: {a}\n        client-id: {b}\n",
            _ => $"    unknown-field: {a}\n",
        });

    private static readonly Gen<string> s_kubeconfig = Gen.Select(s_cluster.Array[0, 3], s_context.Array[0, 3], s_user.Array[0, 3],
            Gen.Select(s_name, Gen.Int[0, 3], s_scalar))
        .Select((clusters, contexts, users, head) => $"apiVersion: v1\nkind: Config\n"
            + (head.Item2 != 0 ? $"current-context: {head.Item1}\n" : "")
            + (head.Item2 == 2 ? $"preferences: {{colors: {head.Item3}}}\n" : "")
            + (head.Item2 == 3 ? "base: &b {server: \"https://127.0.0.1:6443\"}\n" : "")
            + "clusters:\n" + string.Concat(clusters) + "contexts:\n" + string.Concat(contexts) + "users:\n" + string.Concat(users));

    // Pieces that break YAML in every way, so malformed texts are compared too.
    private static readonly Gen<string> s_garbage = Pick(
            "clusters:", "- ", "  ", "\n", "name: x", "{", "}", "[", "]", ": ", "&a ", "*a", "<<: *a\n", "!!binary ", "'", "\"", "\t", "---\n", "current-context: x\n")
        .Array[1, 30].Select(string.Concat);

    [Fact]
    public void Random_kubeconfigs_load_as_the_clients_own_loader_loads_them()
    {
        s_kubeconfig.Sample(text => Assert.Equal(ClientLoader(text), OurLoader(text)), iter: 400);
    }

    [Fact]
    public void Malformed_text_fails_as_with_the_clients_own_loader()
    {
        Gen.OneOf(s_garbage, Gen.Select(s_kubeconfig, s_garbage, Gen.Int[0, 400]).Select((k, g, at) => k.Insert(Math.Min(at, k.Length), g)))
            .Sample(text => Assert.Equal(ClientLoader(text), OurLoader(text)), iter: 400);
    }

    [Fact]
    public void A_well_formed_kubeconfig_gives_its_server_token_namespace_and_ca()
    {
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(PemExport.Certificate(s_ca.Certificate)));
        var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigYaml.Read($"""
            apiVersion: v1
            kind: Config
            current-context: ops
            clusters:
            - name: c
              cluster: {"{"}server: "https://10.0.0.1:6443", certificate-authority-data: "{ca}", tls-server-name: api.internal{"}"}
            contexts:
            - name: ops
              context: {"{"}cluster: c, user: u, namespace: mtls-system{"}"}
            users:
            - name: u
              user: {"{"}token: "0123"{"}"}
            """));

        Assert.Equal("https://10.0.0.1:6443", config.Host);
        Assert.Equal("0123", config.AccessToken);
        Assert.Equal("mtls-system", config.Namespace);
        Assert.Equal("api.internal", config.TlsServerName);
        Assert.Equal(s_ca.Certificate.Thumbprint, Assert.Single(config.SslCaCerts).Thumbprint);
    }

    private static Gen<string> Pick(params string[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static string ClientLoader(string text)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return Outcome(() => KubernetesYaml.Deserialize<K8SConfiguration>(text), () => KubernetesClientConfiguration.BuildConfigFromConfigFile(stream));
    }

    private static string OurLoader(string text) =>
        Outcome(() => KubeconfigYaml.Read(text), () => KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigYaml.Read(text)));

    /// <summary>The model as the client would write it back, then the configuration built from it, or the error either ended in.</summary>
    private static string Outcome(Func<K8SConfiguration?> read, Func<KubernetesClientConfiguration> build)
    {
        string model;
        try
        {
            model = read() is { } m ? KubernetesYaml.Serialize(m) : "(empty)";
        }
        catch (Exception e)
        {
            return $"read: {e.GetType().Name}: {e.Message}";
        }

        try
        {
            var c = build();
            return $"{model}\nhost={c.Host} context={c.CurrentContext} ns={c.Namespace} token={c.AccessToken} user={c.Username} password={c.Password} "
                + $"skip={c.SkipTlsVerify} tlsName={c.TlsServerName} cert={c.ClientCertificateData} key={c.ClientCertificateKeyData} "
                + $"ca={string.Join(",", (c.SslCaCerts ?? []).Select(x => x.Thumbprint))} provider={c.TokenProvider?.GetType().Name}";
        }
        catch (Exception e)
        {
            return $"{model}\nbuild: {e.GetType().Name}: {e.Message}";
        }
    }
}
