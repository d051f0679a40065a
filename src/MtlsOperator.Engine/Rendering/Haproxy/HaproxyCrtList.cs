namespace MtlsOperator.Engine.Rendering.Haproxy;

/// <summary>The crt-list: one line per served certificate with its SNI filters; the first line is the default certificate.</summary>
/// <remarks>Lines carry no <c>[ssl options]</c>: those would override the bind line's client verification per certificate.</remarks>
internal static class HaproxyCrtList
{
    public static string Write(ListenerRenderModel model)
    {
        var text = new ConfigText();
        foreach (var route in SniRoute.Of(model))
        {
            text.Line(string.Join(' ', route.Hostnames.Prepend(model.PathOf(route.Files.CertificateFile))));
        }

        return text.ToString();
    }

    /// <summary>Where HAProxy looks for the private key of a certificate file that holds none.</summary>
    public static string KeyFileOf(ServerCertificateFiles files) => files.CertificateFile + ".key";
}
