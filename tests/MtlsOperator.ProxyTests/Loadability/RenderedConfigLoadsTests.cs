using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using CsCheck;
using Xunit.Abstractions;
using k8s;
using k8s.Models;
using MtlsOperator.Cli;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Rendering.Nginx;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests.Loadability;

/// <summary>Every <c>Ready=True</c> render is loadable: the real HAProxy and nginx accept every configuration the engine calls Ready,
/// for seeded random listeners (<see cref="ListenerGen"/>) and for every example; what the engine refuses it refuses with a reason.</summary>
/// <remarks>Replay a failure with the seed CsCheck prints: <c>CsCheck_Seed=&lt;seed&gt; dotnet test --filter RenderedConfigLoads</c>.
/// Enlarge a run with <c>CsCheck_Iter=500</c> (default 40 listeners, each rendered for both proxies).</remarks>
public sealed class RenderedConfigLoadsTests(ITestOutputHelper output)
{
    private const int DefaultIterations = 40;
    private static int s_case;

    /// <summary>Refusals a listener with no deliberate flaw may still get, because a proxy cannot do what it asks: SHA-256 pins on
    /// nginx, and names whose regex exceeds nginx's parameter limit. Any other refusal of a flawless listener fails the test.</summary>
    private static readonly HashSet<string> s_legitimateRefusals = [ListenerReasons.PinNotEnforceable, ListenerReasons.ProxyLimitExceeded];

    [SkippableFact]
    public void Every_ready_render_of_a_generated_listener_loads_in_haproxy_and_nginx()
    {
        SkipWithoutProxies();
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var iterations = Environment.GetEnvironmentVariable("CsCheck_Iter") is null ? DefaultIterations : -1;

        ListenerGen.Listener.Sample(
            listener =>
            {
                foreach (var kind in new[] { ProxyKind.Haproxy, ProxyKind.Nginx })
                {
                    counts.AddOrUpdate($"{kind} {Check(listener, kind)}", 1, (_, n) => n + 1);
                }
            },
            iter: iterations,
            threads: 2,
            print: Describe);

        var total = counts.Values.Sum() / 2;
        var summary = string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}"));
        output.WriteLine($"{total} listeners: {summary}");
        foreach (var kind in new[] { ProxyKind.Haproxy, ProxyKind.Nginx })
        {
            // The generator must make listeners that render, or the property proves little. The seed is new on every run, so this
            // floor is a statistical bound, not a cell: at 40 listeners a third was missed once (13 of 40 nginx renders Ready), while
            // a fifth stays out of reach of a healthy generator's spread and still catches one that has stopped producing Ready renders.
            Assert.True(counts.GetValueOrDefault($"{kind} loaded") * 5 >= total, $"too few {kind} renders were Ready: {summary}");
        }
    }

    [SkippableTheory]
    [InlineData(ProxyKind.Haproxy)]
    [InlineData(ProxyKind.Nginx)]
    public void Every_example_that_is_ready_loads_in_each_proxy(ProxyKind kind)
    {
        SkipWithoutProxies();
        var examples = Directory.GetDirectories(Path.Combine(RepositoryRoot(), "examples"))
            .Where(d => char.IsAsciiDigit(Path.GetFileName(d)[0])).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(examples);
        var loaded = 0;
        var refused = new List<string>();
        foreach (var example in examples)
        {
            var manifests = ManifestReader.Read([example], "default");
            Assert.Empty(manifests.Errors);
            using var mount = new TemporaryMount();
            foreach (var listener in manifests.Objects.OfType<MtlsListener>())
            {
                listener.Spec.Proxy = kind.Binary();
                listener.Spec.MountPath = mount.Path;
            }

            var result = new TrustEngine().EvaluateAll(ResourceSnapshot.Of(manifests.Objects), DateTimeOffset.UtcNow);
            foreach (var outcome in result.Outcomes.Where(o => o.Resource is MtlsListener))
            {
                var name = Path.GetFileName(example);
                if (outcome.Ready.Status != "True")
                {
                    Assert.False(string.IsNullOrWhiteSpace(outcome.Ready.Reason) || string.IsNullOrWhiteSpace(outcome.Ready.Message), $"{name}: refused without a reason");
                    refused.Add($"{name}: {outcome.Ready.Reason}: {outcome.Ready.Message}");
                    continue;
                }

                var (ok, output) = Load(kind, (MtlsListener)outcome.Resource, result.Outputs, mount.Path);
                Assert.True(ok, $"{name} rendered for {kind} is Ready but does not load: {output}");
                loaded++;
            }
        }

        // Examples pin forms or break on purpose what some proxy cannot take: at least half of them render for each proxy.
        Assert.True(loaded * 2 >= examples.Count, $"only {loaded} of {examples.Count} examples were Ready for {kind}:\n{string.Join("\n", refused)}");
    }

    /// <summary>Renders <paramref name="generated"/> for <paramref name="kind"/> and checks the outcome: "loaded", or "refused &lt;reason&gt;".</summary>
    private static string Check(GeneratedListener generated, ProxyKind kind)
    {
        var ns = "gen" + Interlocked.Increment(ref s_case).ToString(CultureInfo.InvariantCulture);
        using var mount = new TemporaryMount();
        var objects = GeneratedWorld.Build(generated, ns, kind.Binary(), mount.Path);
        var result = new TrustEngine().EvaluateAll(ResourceSnapshot.Of(objects), DateTimeOffset.UtcNow);
        var listener = result.Outcomes.Single(o => o.Resource is MtlsListener);
        AssertConditionsFitTheApi(result);
        if (listener.Ready.Status != "True")
        {
            Assert.False(string.IsNullOrWhiteSpace(listener.Ready.Reason) || string.IsNullOrWhiteSpace(listener.Ready.Message),
                $"{kind} refused {generated.Summary} without a reason");
            if (!generated.MustBeRefused)
            {
                Assert.True(s_legitimateRefusals.Contains(listener.Ready.Reason),
                    $"{kind} refused a listener without flaws as {listener.Ready.Reason}: {listener.Ready.Message}");
            }

            if (generated.Servers.Any(s => s.Flaw != ServerFlaw.None))
            {
                Assert.Contains(result.Outcomes, o => o.Resource is ServerCertificate
                    && o.Ready.Reason is ServerCertificateReasons.WeakKey or ServerCertificateReasons.WeakSignature);
            }

            return "refused " + listener.Ready.Reason;
        }

        Assert.False(generated.MustBeRefused, $"{kind} called Ready a listener the engine must refuse: {generated.Summary}");
        var (ok, output) = Load(kind, (MtlsListener)listener.Resource, result.Outputs, mount.Path);
        Assert.True(ok, $"{kind} render is Ready but does not load ({generated.Summary}): {Tail(output)}");
        return "loaded";
    }

    /// <summary>Writes the listener's output Secret into <paramref name="mountPath"/> and asks the proxy to load it.</summary>
    private static (bool, string) Load(ProxyKind kind, MtlsListener listener, IEnumerable<IKubernetesObject<V1ObjectMeta>> outputs, string mountPath)
    {
        var secretName = ListenerSpecDefaults.OutputSecretName(listener);
        var secret = outputs.OfType<V1Secret>().Single(s => s.Metadata.Name == secretName && s.Metadata.NamespaceProperty == listener.Metadata.NamespaceProperty);
        foreach (var (key, content) in secret.Data)
        {
            File.WriteAllBytes(Path.Combine(mountPath, key), content);
        }

        try
        {
            return ConfigLoadCheck.Run(kind, Path.Combine(mountPath, kind.Renderer().ConfigFileName));
        }
        finally
        {
            RemoveNginxRuntimeFiles(NginxRuntimePaths.Prefix(listener.Metadata.NamespaceProperty, listener.Metadata.Name));
        }
    }

    private static void AssertConditionsFitTheApi(RenderResult result)
    {
        foreach (var outcome in result.Outcomes)
        {
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(outcome.Ready.Message ?? "") <= ConditionLimits.MaxMessageBytes, "condition message too long");
            Assert.Matches("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", outcome.Ready.Reason);
        }
    }

    /// <summary><c>nginx -t</c> creates the temp directories the config names; they are the test's to remove.</summary>
    private static void RemoveNginxRuntimeFiles(string prefix)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(prefix)!, Path.GetFileName(prefix) + "*"))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    private static string Describe(GeneratedListener listener)
    {
        var json = JsonSerializer.Serialize(listener);
        return listener.Summary + "\n" + (json.Length > 20_000 ? json[..20_000] + "…" : json);
    }

    private static string Tail(string output) => output.Length > 4000 ? "…" + output[^4000..] : output;

    private static void SkipWithoutProxies()
    {
        var missing = ProxyBinary.MissingReason("haproxy") ?? ProxyBinary.MissingReason("nginx");
        Skip.If(missing is not null, missing);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Operator.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A directory standing in for the Secret mount (plain files: <c>-c</c>/<c>-t</c> only read them once).</summary>
    private sealed class TemporaryMount : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("mtls-loadable-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
