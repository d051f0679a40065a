using System.Diagnostics;
using k8s;
using k8s.Models;
using TestApiServer;

namespace MtlsOperator.Bench;

/// <summary>The server's raw write ceiling: N plain Secret creates from a plain client loop, the limit an operator can approach.</summary>
internal static class WriteCeiling
{
    public const string Namespace = "ceiling";

    /// <summary>Creates <paramref name="count"/> Secrets of about an output's size with <paramref name="loops"/> concurrent loops, then deletes them.</summary>
    public static async Task<TimeSpan> MeasureAsync(TestKubeApiServer server, int count, int loops)
    {
        using var client = server.CreateClient();
        var payload = new byte[4096];
        Random.Shared.NextBytes(payload);
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
                {
                    Metadata = new V1ObjectMeta { Name = $"plain-{i:D5}", NamespaceProperty = Namespace },
                    Data = new Dictionary<string, byte[]> { ["payload"] = payload },
                }, Namespace);
            }
        }));
        var elapsed = clock.Elapsed;
        await client.CoreV1.DeleteCollectionNamespacedSecretAsync(Namespace);
        return elapsed;
    }
}
