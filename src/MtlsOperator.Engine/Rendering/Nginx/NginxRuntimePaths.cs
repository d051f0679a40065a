namespace MtlsOperator.Engine.Rendering.Nginx;

/// <summary>Files nginx writes at run time. The Secret mount is read-only, so they live under <c>/tmp</c>, named per listener.</summary>
public static class NginxRuntimePaths
{
    /// <summary>Common prefix of every run-time path of the listener (pid file and temp directories).</summary>
    public static string Prefix(ListenerRenderModel model) => Prefix(model.Namespace, model.Name);

    /// <summary>The prefix for the listener <paramref name="name"/> in <paramref name="ns"/>.</summary>
    public static string Prefix(string ns, string name) => $"/tmp/mtls-{ns}-{name}-nginx";

    /// <summary>The pid file <c>nginx -s reload</c> reads.</summary>
    public static string PidFile(ListenerRenderModel model) => Prefix(model) + ".pid";

    /// <summary>One temp directory per nginx module that buffers to disk; nginx creates the directory itself.</summary>
    public static string TempDirectory(ListenerRenderModel model, string module) => Prefix(model) + "-" + module;

    /// <summary>Where the sidecar writes <c>resolver &lt;nameserver&gt;;</c> for an upstream given by DNS name: nginx has no way to read
    /// <c>/etc/resolv.conf</c> itself, and the engine cannot know the pod's nameserver.</summary>
    public static string ResolverFile(ListenerRenderModel model) => ResolverFile(model.Namespace, model.Name);

    /// <summary>The resolver file of the listener <paramref name="name"/> in <paramref name="ns"/>.</summary>
    public static string ResolverFile(string ns, string name) => Prefix(ns, name) + "-resolver.conf";

    /// <summary><see cref="ResolverFile(ListenerRenderModel)"/> as a glob: nginx includes a glob that matches nothing without error, a missing plain file not.</summary>
    public static string ResolverFileGlob(ListenerRenderModel model) => ResolverFile(model)[..^1] + "[f]";

    /// <summary>The resolver file a rendered nginx.conf includes (its <see cref="ResolverFileGlob"/> line), for the sidecar to write
    /// before nginx checks or starts it; null when the config includes none (an upstream given by IP address).</summary>
    public static string? ResolverFileIncludedBy(string config)
    {
        const string Glob = "-resolver.con[f];";
        foreach (var line in config.Split('\n'))
        {
            var words = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words is ["include", var path] && path.StartsWith("/tmp/mtls-", StringComparison.Ordinal) && path.EndsWith(Glob, StringComparison.Ordinal)
                && !path.Contains("..", StringComparison.Ordinal))
            {
                return path[..^Glob.Length] + "-resolver.conf";
            }
        }

        return null;
    }
}
