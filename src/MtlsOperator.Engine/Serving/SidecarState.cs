using System.Text.Json.Serialization;

namespace MtlsOperator.Engine.Serving;

/// <summary>Whether the sidecar's proxy is serving a loaded configuration.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SidecarState>))]
public enum SidecarState
{
    /// <summary>No configuration is loaded yet (the first one is being checked, or the proxy is starting).</summary>
    Starting,

    /// <summary>The proxy is running a configuration that passed its own check, and accepts connections on its listen port.</summary>
    Serving,

    /// <summary>The proxy is not running and could not be started with any accepted configuration, or it runs but accepts no connection
    /// on its listen port.</summary>
    Failed,
}
