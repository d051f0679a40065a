namespace MtlsOperator.Engine.Rendering.Envoy;

/// <summary>Extension names, type URLs and the names of the files and secrets one rendered listener consists of.</summary>
internal static class EnvoyNames
{
    public const string ConfigFile = "envoy.yaml";
    public const string ValidationSecretFile = "sds-validation.yaml";
    public const string ValidationSecret = "client-validation";
    public const string UpstreamCluster = "upstream";
    public const string UpstreamValidationSecretFile = "sds-upstream-validation.yaml";
    public const string UpstreamValidationSecret = "upstream-validation";
    public const string UpstreamTlsSecretFile = "sds-upstream-tls.yaml";
    public const string UpstreamTlsSecret = "upstream-client";
    public const string UpstreamTlsContextType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

    public const string TlsInspector = "envoy.filters.listener.tls_inspector";
    public const string TlsInspectorType = "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector";
    public const string HttpConnectionManager = "envoy.filters.network.http_connection_manager";
    public const string HttpConnectionManagerType = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
    public const string Router = "envoy.filters.http.router";
    public const string RouterType = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
    public const string TlsTransportSocket = "envoy.transport_sockets.tls";
    public const string DownstreamTlsContextType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";
    public const string SecretType = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

    public static string TlsSecret(ServerCertificateFiles certificate) => "tls-" + certificate.Name;

    public static string TlsSecretFile(ServerCertificateFiles certificate) => "sds-tls-" + certificate.Name + ".yaml";

    /// <summary>The directory kubelet swaps atomically (its <c>..data</c> symlink is replaced by a rename), so the one to watch.</summary>
    public static string WatchedDirectory(ListenerRenderModel model) => model.MountPath.TrimEnd('/') is { Length: > 0 } d ? d : "/";
}
