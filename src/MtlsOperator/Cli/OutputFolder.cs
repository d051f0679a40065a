using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Cli;

/// <summary><c>render --out DIR</c>: writes each output Secret's keys as <c>DIR/&lt;namespace&gt;/&lt;secret&gt;/&lt;key&gt;</c> and nowhere else.
/// Every path part must be a valid Kubernetes name (so none is "..", absolute or has a '/'), no symlink below DIR is followed,
/// and files are replaced by rename, so an existing symlink at a file's place is replaced, never written through.
/// Key files (<c>*.key</c>) are written 0600, the others 0644.</summary>
internal static class OutputFolder
{
    private const UnixFileMode KeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode FileMode = KeyMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Writes every Secret; returns one line per Secret or key that could not be written.</summary>
    public static IReadOnlyList<string> Write(IEnumerable<V1Secret> secrets, string outDir)
    {
        var errors = new List<string>();
        string root;
        try
        {
            root = Path.GetFullPath(outDir);
            Directory.CreateDirectory(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return [$"--out {outDir}: cannot create the folder: {e.Message}"];
        }

        foreach (var secret in secrets)
        {
            var ns = secret.Metadata.NamespaceProperty;
            var name = secret.Metadata.Name;
            if ((KubernetesNames.LabelProblem("namespace", ns) ?? KubernetesNames.SubdomainProblem("Secret name", name)) is { } problem)
            {
                errors.Add($"--out {outDir}: not written: {problem}");
                continue;
            }

            try
            {
                var dir = Subfolder(Subfolder(root, ns), name);
                foreach (var (key, value) in secret.Data ?? new Dictionary<string, byte[]>())
                {
                    if (!KubernetesNames.IsDataKey(key))
                    {
                        errors.Add($"--out {outDir}: Secret {ns}/{name}: key \"{key}\" is not a valid Secret key (letters, digits, '-', '_', '.'); not written.");
                        continue;
                    }

                    WriteFile(dir, key, value);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"--out {outDir}: Secret {ns}/{name}: cannot write: {e.Message}");
            }
        }

        return errors;
    }

    /// <summary>The folder <paramref name="name"/> inside <paramref name="parent"/>, created when missing; a symlink there is refused.</summary>
    private static string Subfolder(string parent, string name)
    {
        var path = Path.Join(parent, name);
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null || (File.Exists(path) && new FileInfo(path).LinkTarget is not null))
        {
            throw new IOException($"{path} is a symlink; render --out does not follow symlinks. Remove it or choose another --out folder.");
        }

        info.Create();
        return path;
    }

    private static void WriteFile(string dir, string key, byte[] value)
    {
        var mode = key.EndsWith(".key", StringComparison.Ordinal) ? KeyMode : FileMode;
        var target = Path.Join(dir, key);
        var temporary = Path.Join(dir, $".{key}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(value);
            }

            // rename(2) replaces whatever is at the target, a symlink included, without following it.
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
