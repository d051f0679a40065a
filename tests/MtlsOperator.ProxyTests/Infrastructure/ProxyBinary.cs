namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>Locates a proxy executable on PATH (and the usual sbin directories, which are not always on a test runner's PATH).</summary>
public static class ProxyBinary
{
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/local/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Why tests needing <paramref name="name"/> are skipped, or null when it is installed.</summary>
    public static string? MissingReason(string name) =>
        Find(name) is null ? $"{name} is not installed (Debian package '{name}'); the real-proxy tests for it cannot run." : null;
}
