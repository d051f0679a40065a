using System.Diagnostics;

namespace TestPki;

/// <summary>Runs the system <c>openssl</c> binary as an independent implementation to check the product's X.509 work against.</summary>
public static class OpensslCli
{
    public const string Path = "/usr/bin/openssl";

    /// <summary>True when the binary exists; tests that need it skip otherwise.</summary>
    public static bool IsAvailable => File.Exists(Path);

    /// <summary>Runs <c>openssl</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, feeding
    /// <paramref name="stdin"/> bytes; returns stdout bytes, throwing with stderr on a non-zero exit.</summary>
    public static byte[] Run(string workingDirectory, IEnumerable<string> arguments, byte[]? stdin = null)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        if (stdin is not null)
        {
            process.StandardInput.BaseStream.Write(stdin);
        }

        process.StandardInput.Close();
        copy.GetAwaiter().GetResult();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout.ToArray();
    }

    /// <summary>Runs openssl and returns its exit code and stdout followed by stderr, for commands (such as <c>crl -verify</c>) that report a
    /// failure only on stderr.</summary>
    public static (int ExitCode, string Output) RunWithErrors(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>Runs openssl and returns stdout as trimmed text.</summary>
    public static string RunText(string workingDirectory, params string[] arguments) =>
        System.Text.Encoding.UTF8.GetString(Run(workingDirectory, arguments)).Trim();
}

/// <summary>A temporary directory deleted on dispose, for files handed to <c>openssl</c>.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => System.IO.Directory.CreateDirectory(Directory);

    public string Directory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mtls-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes a file and returns its full path.</summary>
    public string Write(string name, string content)
    {
        var path = System.IO.Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory does not change any test's outcome.
        }
    }
}
