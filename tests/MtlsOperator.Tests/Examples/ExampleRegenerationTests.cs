using System.Diagnostics;

namespace MtlsOperator.Tests.Examples;

/// <summary>The committed key material is reproducible: running an example's generate.sh (openssl) yields manifests that still render Ready.</summary>
public sealed class ExampleRegenerationTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("examples-").FullName;

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    [SkippableTheory]
    [InlineData("01-pinned-agent")]
    [InlineData("02-many-to-one-corporate")]
    public void Regenerated_key_material_still_renders_ready(string name)
    {
        Skip.If(FindOnPath("openssl") is null, "the openssl CLI is not on PATH; generate.sh needs it");
        Skip.If(FindOnPath("bash") is null, "bash is not on PATH; generate.sh is a bash script");
        CopyFolder(Path.Combine(ExampleFolders.Root, "lib"), Path.Combine(_copy, "lib"));
        var folder = Path.Combine(_copy, name);
        CopyFolder(ExampleFolders.PathOf(name), folder);
        var before = File.ReadAllText(Path.Combine(folder, "pki-secrets.yaml"));

        var (exit, output) = RunScript(Path.Combine(folder, "generate.sh"));

        Assert.True(exit == 0, "generate.sh failed:\n" + output);
        Assert.NotEqual(before, File.ReadAllText(Path.Combine(folder, "pki-secrets.yaml")));
        Assert.Empty(Directory.GetFiles(folder).Select(Path.GetFileName).Except(Directory.GetFiles(ExampleFolders.PathOf(name)).Select(Path.GetFileName)));
        var rendered = RenderedExample.Render(folder);
        Assert.True(rendered.Exit == 0, rendered.NotReadySummary());
    }

    private static (int Exit, string Output) RunScript(string script)
    {
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
