namespace MtlsOperator.Engine.CrlDistribution;

/// <summary>Which URLs the operator fetches CRLs from: absolute http or https URLs with a host and no credentials.</summary>
/// <remarks>Plain http is the norm for CRL Distribution Points (RFC 5280 4.2.1.13; a CRL is signed, so the transport need not be trusted, and
/// https would make fetching a CRL depend on checking another certificate); https is accepted for servers that only speak it. Credentials in
/// a URL are refused: the operator never sends any, and a URL is written into status.</remarks>
public static class CrlUrl
{
    /// <summary>Why <paramref name="url"/> cannot be fetched, as the end of a sentence naming it; null when it can.</summary>
    public static string? Problem(string url)
    {
        if (url.Length > Api.ApiLimits.Uri)
        {
            return $"is longer than {Api.ApiLimits.Uri} characters";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return "is not an absolute http:// or https:// URL (the operator fetches CRLs over HTTP only; ldap:// and file:// are not fetched)";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "carries credentials (user:password@); the operator never sends credentials to fetch a CRL, and the URL is shown in status";
        }

        return uri.Host.Length == 0 ? "names no host" : null;
    }

    /// <summary>True when a fetcher may use <paramref name="url"/>.</summary>
    public static bool IsFetchable(string url) => Problem(url) is null;
}
