using System.Collections.Immutable;

namespace MtlsOperator.Engine.Rendering;

/// <summary>Request headers carrying a client identity that only the TLS-terminating proxy may set: any copy a client sends
/// is removed before the request reaches the upstream, whether or not identity forwarding is on.</summary>
public static class IdentityHeaders
{
    /// <summary>Names apps commonly trust from a TLS terminator (Envoy's XFCC, the Apache/nginx conventions).</summary>
    public static readonly ImmutableArray<string> WellKnown =
    [
        "X-Client-Cert",
        ForwardedCertificate.Subject,
        ForwardedCertificate.Issuer,
        ForwardedCertificate.Serial,
        ForwardedCertificate.Sha1,
        ForwardedCertificate.Sha256,
        "X-Client-DN",
        "X-Client-Verify",
        "X-Forwarded-Client-Cert",
        "X-SSL-Client-Cert",
        "X-SSL-Client-DN",
        "X-SSL-Client-Verify",
    ];

    /// <summary>A PCRE matching every spelling of <paramref name="name"/> that an app may read as the same header: any case,
    /// with <c>-</c> and <c>_</c> interchangeable. <paramref name="name"/> holds only letters, digits and <c>-</c> (checked before rendering).</summary>
    public static string AnySpelling(string name)
    {
        // Built in one buffer: every listener's config strips these, so a string per character added up at scale.
        var pattern = new System.Text.StringBuilder("^(?i)", name.Length * 2 + 8);
        foreach (var c in name)
        {
            if (c is '-' or '_')
            {
                pattern.Append("[-_]");
            }
            else
            {
                pattern.Append(char.ToLowerInvariant(c));
            }
        }

        return pattern.Append('$').ToString();
    }

    /// <summary>The configured forwarding header (if any) plus <see cref="WellKnown"/>, case-insensitively distinct, in ordinal order.</summary>
    public static ImmutableArray<string> StrippedFromClients(ListenerRenderModel model) =>
        WellKnown.Concat(model.ForwardIdentityHeader is { } h ? [h] : [])
            .DistinctBy(h => h.ToLowerInvariant())
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToImmutableArray();
}
