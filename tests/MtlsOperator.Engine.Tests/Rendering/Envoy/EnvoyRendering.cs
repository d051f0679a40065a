using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Envoy;
using YamlDotNet.RepresentationModel;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>Listener models for the Envoy tests and the rendered files parsed back as YAML.</summary>
internal static class EnvoyRendering
{
    public const string Mount = "/etc/mtls";

    public static readonly EnvoyRenderer Renderer = new();

    public static ServerCertificateFiles Web { get; } = new("web", ["app.example.com"], "tls.crt", "tls.key");

    /// <summary>A valid listener admitting one SHA-256 pin; tests change what they are about with <c>with</c>.</summary>
    public static ListenerRenderModel Model(params CertificatePin[] pins) => new(
        "shop", "checkout", 8443, "127.0.0.1", 8080, Mount, [Web], "ca.crt", null, [],
        pins.Length > 0 ? [.. pins] : [new CertificatePin(PinAlgorithm.Sha256, new string('a', 64))],
        [], null);

    public static ListenerRenderModel WithRules(params ClientMatchRule[] rules) => Model() with { Pins = [], Rules = [.. rules] };

    public static ClientMatchRule Dns(string name) => new(null, null, name, null);

    public static ClientMatchRule Uri(string uri) => new(null, null, null, uri);

    public static IReadOnlyDictionary<string, string> Files(ListenerRenderModel model) => Renderer.Render(model);

    public static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    public static YamlMappingNode Bootstrap(ListenerRenderModel model) => Parse(Files(model)["envoy.yaml"]);

    /// <summary>The <c>CertificateValidationContext</c> inside <c>sds-validation.yaml</c>.</summary>
    public static YamlMappingNode Validation(ListenerRenderModel model) =>
        Map(Item(Parse(Files(model)["sds-validation.yaml"]), "resources", 0), "validation_context");

    public static YamlMappingNode Listener(YamlMappingNode bootstrap) => Item(Map(bootstrap, "static_resources"), "listeners", 0);

    public static YamlMappingNode Map(YamlMappingNode node, params string[] keys) =>
        keys.Aggregate(node, (n, k) => (YamlMappingNode)n.Children[new YamlScalarNode(k)]);

    public static YamlSequenceNode Seq(YamlMappingNode node, string key) => (YamlSequenceNode)node.Children[new YamlScalarNode(key)];

    public static YamlMappingNode Item(YamlMappingNode node, string key, int index) => (YamlMappingNode)Seq(node, key).Children[index];

    public static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    public static bool Has(YamlMappingNode node, string key) => node.Children.ContainsKey(new YamlScalarNode(key));

    public static IReadOnlyList<string> Scalars(YamlMappingNode node, string key) =>
        Seq(node, key).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    /// <summary>Every filter chain of the listener: the SNI chains, then the default one.</summary>
    public static IReadOnlyList<YamlMappingNode> Chains(YamlMappingNode bootstrap)
    {
        var listener = Listener(bootstrap);
        var chains = Has(listener, "filter_chains") ? Seq(listener, "filter_chains").Children.Cast<YamlMappingNode>().ToList() : [];
        chains.Add(Map(listener, "default_filter_chain"));
        return chains;
    }

    public static YamlMappingNode TlsContext(YamlMappingNode chain) => Map(chain, "transport_socket", "typed_config");

    public static YamlMappingNode RouteConfig(YamlMappingNode chain) =>
        Map((YamlMappingNode)Seq(chain, "filters").Children[0], "typed_config", "route_config");
}
