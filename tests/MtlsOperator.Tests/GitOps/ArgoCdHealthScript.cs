using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace MtlsOperator.Tests.GitOps;

/// <summary>Runs a shipped Argo CD health check (<c>argocd/resource_customizations/mtls-operator.io/KIND/health.lua</c>) in the real
/// Lua 5.1 interpreter the way Argo CD does: <c>obj</c> set to the resource, the script's returned table read back.</summary>
internal static class ArgoCdHealthScript
{
    public const string Interpreter = "lua5.1";

    public static string Folder => RepositoryRoot.Combine("argocd", "resource_customizations", "mtls-operator.io");

    public static string PathOf(string kind) => Path.Combine(Folder, kind, "health.lua");

    public static bool Available { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Any(dir => File.Exists(Path.Combine(dir, Interpreter)));

    /// <summary>The health status and message the script gives <paramref name="resource"/>.</summary>
    public static (string Status, string Message) Run(JsonNode resource)
    {
        var kind = (string)resource["kind"]!;
        var driver = Path.Combine(Path.GetTempPath(), $"argocd-health-{Guid.NewGuid():N}.lua");
        File.WriteAllText(driver, $"""
            obj = {LuaTable.Of(resource)}
            local hs = assert(loadfile({LuaTable.Of(JsonValue.Create(PathOf(kind)))}))()
            io.write(tostring(hs.status), "\n", tostring(hs.message))
            """, new UTF8Encoding(false));
        try
        {
            var start = new ProcessStartInfo(Interpreter, [driver]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{Interpreter} did not finish the {kind} health check within 60 s");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{Interpreter} failed on the {kind} health check: {stderr.Result}");
            }

            var lines = stdout.Result.Split('\n', 2);
            return (lines[0], lines.Length > 1 ? lines[1] : "");
        }
        finally
        {
            File.Delete(driver);
        }
    }
}
