namespace MtlsOperator.Sidecar;

/// <summary>Reads the mounted Secret as one version.</summary>
/// <remarks>
/// kubelet's atomic writer keeps each version in a hidden timestamped directory and publishes it by renaming a new
/// <c>..data</c> symlink over the old one; the visible files are symlinks through <c>..data</c>. Reading through the
/// resolved target directory (not the visible links) gives files of one version only, even if a swap happens meanwhile;
/// kubelet deletes the old directory after a swap, so a read that loses that race is retried on the new one. A plain
/// directory (no <c>..data</c>: <c>render --out</c>, a bind mount) is read until two reads agree.
/// </remarks>
internal static class MountReader
{
    private const string DataLink = "..data";

    public static MountedVersion? TryRead(string mount)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                var data = new DirectoryInfo(Path.Combine(mount, DataLink));
                if (data.LinkTarget is { } target)
                {
                    var directory = Path.IsPathRooted(target) ? target : Path.Combine(mount, target);
                    return new MountedVersion(ReadFiles(directory));
                }

                if (!Directory.Exists(mount))
                {
                    return null;
                }

                var first = new MountedVersion(ReadFiles(mount));
                var second = new MountedVersion(ReadFiles(mount));
                if (first.Hash == second.Hash)
                {
                    return second;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The version being read was swapped out and deleted: read the new one.
            }

            Thread.Sleep(20 * (attempt + 1));
        }

        return null;
    }

    private static Dictionary<string, byte[]> ReadFiles(string directory)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (!name.StartsWith('.'))
            {
                files[name] = File.ReadAllBytes(path);
            }
        }

        return files;
    }
}
