using System.Globalization;
using System.Text;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Sidecar;

/// <summary>The sidecar's own copies of the Secret under the runtime directory: <c>versions/&lt;n&gt;/</c> per candidate, and
/// <c>&lt;config key&gt;</c> (e.g. <c>haproxy.cfg</c>), a symlink to the accepted copy's config that the proxy is started with and
/// re-reads on reload.</summary>
/// <remarks>The proxy config files in each copy are rewritten (<see cref="MountPathRewrite"/>) to name the files of that copy,
/// so the checked bytes are exactly the bytes the proxy then loads, and nothing kubelet does to the mount reaches the running
/// proxy before the supervisor has checked it. The copy the proxy runs and the one before it are kept; older ones are removed.</remarks>
internal sealed class VersionStore
{
    private readonly string _versions;
    private readonly string _configMountPath;
    private readonly string _configKey;
    private int _sequence;

    public VersionStore(string runtimeDirectory, string configMountPath, string configKey)
    {
        _configMountPath = configMountPath;
        _configKey = configKey;
        _versions = Path.Combine(runtimeDirectory, "versions");
        Current = Path.Combine(runtimeDirectory, configKey);
        Directory.CreateDirectory(runtimeDirectory);
        if (Directory.Exists(_versions))
        {
            Directory.Delete(_versions, recursive: true);
        }

        CreatePrivateDirectory(_versions);
    }

    /// <summary>The stable config path the proxy is started with: a symlink to the accepted copy's config file. (A link to
    /// the file, not to the directory: a rename can replace a file link atomically, and the config names its copy's files.)</summary>
    public string Current { get; }

    /// <summary>Writes <paramref name="version"/> to a new directory, proxy configs rewritten to point into it.</summary>
    public string Stage(MountedVersion version, IReadOnlyCollection<string> rewrittenKeys)
    {
        var directory = Path.Combine(_versions, (++_sequence).ToString(CultureInfo.InvariantCulture));
        CreatePrivateDirectory(directory);
        foreach (var (key, value) in version.Files)
        {
            var bytes = rewrittenKeys.Contains(key)
                ? Encoding.UTF8.GetBytes(MountPathRewrite.Rewrite(Encoding.UTF8.GetString(value), _configMountPath, directory, version.Files.Keys))
                : value;
            var path = Path.Combine(directory, key);
            File.WriteAllBytes(path, bytes);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return directory;
    }

    /// <summary>Points <see cref="Current"/> at the config of <paramref name="directory"/> by an atomic rename of a new symlink.</summary>
    public void Promote(string directory)
    {
        var temporary = Current + ".tmp";
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, Path.Combine(directory, _configKey));
        File.Move(temporary, Current, overwrite: true);
    }

    /// <summary>Keys are in these copies: readable by the sidecar's user only (the proxy runs as the same user).</summary>
    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Removes every copy except the ones named (the running one and the one it replaced).</summary>
    public void Prune(params string?[] keep)
    {
        foreach (var directory in Directory.EnumerateDirectories(_versions))
        {
            if (!keep.Contains(directory, StringComparer.Ordinal))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
