using System.Diagnostics;

namespace TestPki;

/// <summary>Runs the <c>openssl</c> CLI in a private temporary directory: an independent implementation to cross-check ours against.</summary>
public sealed class OpenSslCommand : IDisposable
{
    private static readonly Lazy<bool> s_available = new(() =>
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("openssl", "version") { RedirectStandardOutput = true, RedirectStandardError = true });
            // No timeout: ExitCode of a process still running throws, and a slow start under load must not read as "absent".
            p!.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public OpenSslCommand() => Directory = System.IO.Directory.CreateTempSubdirectory("openssl-").FullName;

    /// <summary>Whether an <c>openssl</c> binary can be run here.</summary>
    public static bool IsAvailable => s_available.Value;

    /// <summary>The working directory the commands run in and write their files to.</summary>
    public string Directory { get; }

    /// <summary>Runs openssl with <paramref name="arguments"/>; throws with its stderr when it fails.</summary>
    public void Run(params string[] arguments)
    {
        var info = new ProcessStartInfo("openssl") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {stderr.Result}");
        }
    }

    /// <summary>The bytes of a file openssl wrote.</summary>
    public byte[] ReadBytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
