using MtlsOperator.Engine.Rendering.Nginx;

namespace MtlsOperator.Sidecar;

/// <summary>Writes the <c>resolver</c> include of an nginx config whose upstream is a DNS name, from the pod's resolv.conf:
/// nginx cannot read resolv.conf itself, and without the file every request gets 502.</summary>
internal static class NginxResolverFile
{
    /// <summary>Writes the file the config at <paramref name="configPath"/> includes, if any; null when done, else why not.</summary>
    public static string? Write(string configPath, string resolvConf)
    {
        if (NginxRuntimePaths.ResolverFileIncludedBy(File.ReadAllText(configPath)) is not { } target)
        {
            return null;
        }

        string servers;
        try
        {
            servers = File.ReadAllText(resolvConf);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // What glibc does without resolv.conf: ask 127.0.0.1 (NginxResolver's default).
            servers = "";
        }

        try
        {
            var content = NginxResolver.FileContent(servers);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // Through a rename: a running nginx that reloads meanwhile reads the old file or the new one, never half of one.
            var temporary = target + ".tmp";
            File.WriteAllText(temporary, content);
            File.Move(temporary, target, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write nginx's resolver file {target}: {e.Message}";
        }
    }
}
