using System.Runtime.InteropServices;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>A directory laid out the way kubelet mounts a Secret: each key is a symlink <c>key -> ..data/key</c>, and
/// <c>..data</c> is a symlink to a timestamped directory that is swapped atomically on every update.</summary>
public sealed class MountedSecret : IDisposable
{
    private int _generation;

    public MountedSecret() => Path = Directory.CreateTempSubdirectory("mtls-mount-").FullName;

    /// <summary>The mount path given to the renderer.</summary>
    public string Path { get; }

    /// <summary>Replaces the whole content atomically, as kubelet does when the Secret changes.</summary>
    public void Write(IReadOnlyDictionary<string, string> files)
    {
        var version = $"..{++_generation:D4}";
        var versionDir = System.IO.Path.Combine(Path, version);
        Directory.CreateDirectory(versionDir);
        foreach (var (key, content) in files)
        {
            File.WriteAllText(System.IO.Path.Combine(versionDir, key), content);
        }

        var tmpLink = System.IO.Path.Combine(Path, "..data_tmp");
        File.Delete(tmpLink);
        File.CreateSymbolicLink(tmpLink, version);
        // rename(2) replaces the link itself atomically; File.Move would follow it to the directory.
        if (Rename(tmpLink, System.IO.Path.Combine(Path, "..data")) != 0)
        {
            throw new IOException($"rename to ..data failed: errno {Marshal.GetLastPInvokeError()}");
        }
        foreach (var key in files.Keys)
        {
            var link = System.IO.Path.Combine(Path, key);
            if (new FileInfo(link).LinkTarget is null)
            {
                File.CreateSymbolicLink(link, System.IO.Path.Combine("..data", key));
            }
        }

        foreach (var link in Directory.EnumerateFileSystemEntries(Path).Where(e => !System.IO.Path.GetFileName(e).StartsWith("..", StringComparison.Ordinal)))
        {
            if (!files.ContainsKey(System.IO.Path.GetFileName(link)))
            {
                File.Delete(link);
            }
        }

        foreach (var stale in Directory.EnumerateDirectories(Path, "..0*").Where(d => System.IO.Path.GetFileName(d) != version))
        {
            Directory.Delete(stale, recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPStr)] string from, [MarshalAs(UnmanagedType.LPStr)] string to);
}
