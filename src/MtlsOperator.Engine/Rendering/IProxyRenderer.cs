namespace MtlsOperator.Engine.Rendering;

/// <summary>Turns a listener into one proxy's configuration file, refusing what that proxy cannot enforce.</summary>
public interface IProxyRenderer
{
    ProxyFlavor Flavor { get; }

    /// <summary>Key of the config file in the output Secret, e.g. <c>haproxy.cfg</c>.</summary>
    string ConfigFileName { get; }

    /// <summary>Pin algorithms this proxy enforces natively; a listener picks, per pin entry, a form from this set.</summary>
    IReadOnlySet<Policy.PinAlgorithm> SupportedPinAlgorithms { get; }

    /// <summary>Reasons this proxy cannot enforce the model exactly (fail closed); empty when it can.</summary>
    IReadOnlyList<string> FindUnenforceable(ListenerRenderModel model);

    /// <summary>Limits of this proxy's config syntax that the model would exceed, each stating the limit and what to change;
    /// empty when it fits. Checked after <see cref="FindUnenforceable"/>. Empty by default.</summary>
    IReadOnlyList<string> FindLimitsExceeded(ListenerRenderModel model) => [];

    /// <summary>Deterministic files for the output Secret (at least <see cref="ConfigFileName"/>): same model, same bytes.
    /// Call only when <see cref="FindUnenforceable"/> and <see cref="FindLimitsExceeded"/> are empty.</summary>
    IReadOnlyDictionary<string, string> Render(ListenerRenderModel model);

    /// <summary>Extra keys the output Secret must hold as byte-for-byte copies of other keys (new key -> existing key),
    /// for files a proxy only finds by a derived name (HAProxy 2.6 loads a certificate's private key from
    /// <c>&lt;certificate file&gt;.key</c>). Empty by default.</summary>
    IReadOnlyDictionary<string, string> FileCopies(ListenerRenderModel model) => System.Collections.Immutable.ImmutableDictionary<string, string>.Empty;
}
