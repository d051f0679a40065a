namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>Renders a scenario the way a user does: its manifests through <c>mtls-operator render --out</c>, in process.</summary>
public static class CliRender
{
    /// <summary>The files of the listener's output Secret (<c>OUT/&lt;namespace&gt;/&lt;secret&gt;/&lt;key&gt;</c>); throws with the
    /// command's output when it exits non-zero (a resource not Ready).</summary>
    public static IReadOnlyDictionary<string, string> Files(ProxyKind kind, ListenerScenario scenario, string name, string mountPath, int listenPort, int upstreamPort)
    {
        var result = Run(kind, scenario, name, mountPath, listenPort, upstreamPort);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"render exited {result.ExitCode}:\n{result.Output}");
        }

        return result.Files;
    }

    /// <summary>Runs <c>render -f <paramref name="manifests"/> --out</c> and returns the files of the output Secret
    /// <paramref name="namespaceName"/>/<paramref name="secretName"/> (empty when none were written).</summary>
    public static CliRenderResult RunYaml(string manifests, string namespaceName, string secretName, string mountPath)
    {
        var output = Directory.CreateTempSubdirectory("mtls-render-").FullName;
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = Program.Run(["render", "-f", manifests, "--out", output, "--mount-path", mountPath], stdout, stderr, TimeProvider.System);
            var secretDir = Path.Combine(output, namespaceName, secretName);
            var files = Directory.Exists(secretDir)
                ? Directory.EnumerateFiles(secretDir).ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal)
                : [];
            return new CliRenderResult(exit, stdout + "\n" + stderr, files);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Runs <c>render</c> and returns its exit code, what it printed and the listener's files (empty when none were written).</summary>
    public static CliRenderResult Run(ProxyKind kind, ListenerScenario scenario, string name, string mountPath, int listenPort, int upstreamPort)
    {
        var work = Directory.CreateTempSubdirectory("mtls-render-").FullName;
        try
        {
            var manifests = Directory.CreateDirectory(Path.Combine(work, "manifests")).FullName;
            var output = Path.Combine(work, "out");
            File.WriteAllText(Path.Combine(manifests, "listener.yaml"), ListenerManifests.Yaml(kind, scenario, name, listenPort, upstreamPort));
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            string[] fetch = scenario.IssuingCaCrlUrl is null ? [] : ["--fetch-crls"];
            var exit = Program.Run(["render", "-f", manifests, "--out", output, "--mount-path", mountPath, .. fetch], stdout, stderr, TimeProvider.System);
            var secretDir = Path.Combine(output, ListenerManifests.Namespace, name + "-mtls");
            var files = Directory.Exists(secretDir)
                ? Directory.EnumerateFiles(secretDir).ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal)
                : [];
            return new CliRenderResult(exit, stdout + "\n" + stderr, files);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

/// <summary>Outcome of one <c>render</c> run.</summary>
public sealed record CliRenderResult(int ExitCode, string Output, IReadOnlyDictionary<string, string> Files);
