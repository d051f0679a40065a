namespace MtlsOperator.Crds;

/// <summary>A generated CRD as a Helm template: installed and upgraded with the release when <c>crds.enabled</c>, and
/// kept on uninstall when <c>crds.keep</c> (deleting a CRD deletes every resource of its kind, and with them, through
/// owner references, every output Secret).</summary>
/// <remarks>Helm's own <c>crds/</c> folder is installed once and never upgraded; templating is how cert-manager and
/// trust-manager ship CRDs that <c>helm upgrade</c> keeps current.</remarks>
public static class ChartCrdTemplate
{
    /// <summary>Folder of the templates under the chart.</summary>
    public const string Folder = "templates/crds";

    /// <summary>Wraps <paramref name="crdYaml"/> (as <see cref="CrdGenerator"/> writes it) in the value switches.</summary>
    public static string Wrap(string crdYaml)
    {
        const string metadata = "metadata:\n";
        var at = crdYaml.IndexOf(metadata, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new ArgumentException("a CRD document without metadata", nameof(crdYaml));
        }

        var afterMetadata = at + metadata.Length;
        return "{{- if .Values.crds.enabled }}\n"
            + crdYaml[..afterMetadata]
            + "  {{- if .Values.crds.keep }}\n"
            + "  annotations:\n"
            + "    helm.sh/resource-policy: keep\n"
            + "  {{- end }}\n"
            + crdYaml[afterMetadata..]
            + "{{- end }}\n";
    }
}
