using System.Text.Json.Serialization;

namespace MtlsOperator.Engine.Serving;

/// <summary>Whether the sidecar's proxy is serving a loaded configuration.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SidecarState>))]
public enum SidecarState
{
    /// <summary>No configuration is loaded yet (the first one is being checked, or the proxy is starting).</summary>
    Starting,

    /// <summary>The proxy is running a configuration that passed its own check.</summary>
    Serving,

    /// <summary>The proxy is not running and could not be started with any accepted configuration.</summary>
    Failed,
}
