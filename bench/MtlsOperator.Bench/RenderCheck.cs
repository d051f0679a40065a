using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using TestApiServer;

namespace MtlsOperator.Bench;

/// <summary>
/// Proof that nothing was lost or duplicated: the world's manifests go through <c>mtls-operator render --out</c>, and
/// every output it writes must be in the cluster exactly once and byte-equal, with no other output of the operator there.
/// </summary>
internal static class RenderCheck
{
    public sealed record Result(int Expected, int Equal, int Missing, int Different, int Unexpected)
    {
        public bool Holds => Expected > 0 && Equal == Expected && Unexpected == 0;

        public override string ToString() =>
            Holds ? $"all {Expected} outputs present once and byte-equal to render" : $"{Equal}/{Expected} equal, {Missing} missing, {Different} different, {Unexpected} unexpected";
    }

    /// <summary>Renders the world once into <paramref name="directory"/>; returns the folder of expected outputs.</summary>
    public static async Task<string> RenderAsync(BenchWorld world, string operatorDll, string directory)
    {
        var manifests = Path.Combine(directory, "manifests");
        var expected = Path.Combine(directory, "expected");
        Directory.CreateDirectory(manifests);
        var index = 0;
        foreach (var (_, body) in world.Objects())
        {
            await File.WriteAllTextAsync(Path.Combine(manifests, $"{index++:D6}.json"), body.ToJsonString());
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { operatorDll, "render", "-f", manifests, "--out", expected })
        {
            info.ArgumentList.Add(arg);
        }

        using var render = Process.Start(info)!;
        var drain = render.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var errors = render.StandardError.ReadToEndAsync();
        await render.WaitForExitAsync();
        await drain;
        if (render.ExitCode != 0)
        {
            throw new InvalidOperationException($"render exited {render.ExitCode}: {(await errors)[..Math.Min(2000, (await errors).Length)]}");
        }

        return expected;
    }

    public static Result Compare(TestKubeApiServer server, string expected)
    {
        int equal = 0, missing = 0, different = 0, count = 0;
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var nsDir in Directory.EnumerateDirectories(expected))
        {
            var ns = Path.GetFileName(nsDir);
            foreach (var objectDir in Directory.EnumerateDirectories(nsDir))
            {
                var name = Path.GetFileName(objectDir);
                expectedNames.Add($"{ns}/{name}");
                count++;
                var files = Directory.EnumerateFiles(objectDir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
                var live = Live(server, ns, name);
                if (live is null)
                {
                    missing++;
                }
                else if (live.Count == files.Count && live.All(kv => files.TryGetValue(kv.Key, out var bytes) && bytes.AsSpan().SequenceEqual(kv.Value)))
                {
                    equal++;
                }
                else
                {
                    different++;
                }
            }
        }

        var unexpected = 0;
        server.Store.Count(ApiResource.Secrets, null, secret =>
        {
            if (ClusterProbe.IsListenerOutput(secret) && !expectedNames.Contains($"{secret["metadata"]!["namespace"]}/{secret["metadata"]!["name"]}"))
            {
                unexpected++;
            }

            return false;
        });
        return new Result(count, equal, missing, different, unexpected);
    }

    private static Dictionary<string, byte[]>? Live(TestKubeApiServer server, string ns, string name)
    {
        if (server.Store.Get(ApiResource.Secrets, ns, name) is { } secret)
        {
            return (secret["data"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => Convert.FromBase64String(kv.Value!.GetValue<string>()), StringComparer.Ordinal);
        }

        if (server.Store.Get(ApiResource.ConfigMaps, ns, name) is { } configMap)
        {
            return (configMap["data"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value!.GetValue<string>()), StringComparer.Ordinal);
        }

        return null;
    }
}
