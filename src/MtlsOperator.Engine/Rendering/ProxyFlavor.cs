namespace MtlsOperator.Engine.Rendering;

/// <summary>The sidecar proxies the operator renders configuration for.</summary>
public enum ProxyFlavor
{
    Envoy,
    Haproxy,
    Nginx,
}
