namespace MtlsOperator.Engine.Rendering.Haproxy;

/// <summary>The crt-list: one line per served certificate with its SNI filters; the first line is the default certificate.</summary>
/// <remarks>Lines carry no <c>[ssl options]</c>: those would override the bind line's client verification per certificate.</remarks>
internal static class HaproxyCrtList
{
    /// <summary>HAProxy 2.6 reads at most 2048 words and 64 KiB per crt-list line; 200 names of at most 253 bytes stay under both.
    /// A certificate with more names gets several lines, which HAProxy allows.</summary>
    private const int NamesPerLine = 200;

    public static string Write(ListenerRenderModel model)
    {
        var text = new ConfigText();
        foreach (var route in SniRoute.Of(model))
        {
            var path = model.PathOf(route.Files.CertificateFile);
            if (route.Hostnames.IsEmpty)
            {
                text.Line(path);
            }

            foreach (var chunk in route.Hostnames.Chunk(NamesPerLine))
            {
                text.Line(string.Join(' ', chunk.Prepend(path)));
            }
        }

        return text.ToString();
    }

    /// <summary>Where HAProxy looks for the private key of a certificate file that holds none.</summary>
    public static string KeyFileOf(ServerCertificateFiles files) => files.CertificateFile + ".key";
}
