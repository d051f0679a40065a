using System.Numerics;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.CrlDistribution;
using MtlsOperator.Engine.Evaluation;
using TestPki;

namespace MtlsOperator.Engine.Tests.CrlDistribution;

/// <summary>A bundle with one CRL URL evaluated step by step as the controller would: each step's output ConfigMap and status are the next
/// step's world, and the download is whatever the test says the shell last received.</summary>
internal sealed class FetchedCrlWorld
{
    public const string Url = "http://crl.example.test/issuing.crl";

    private readonly TrustEngine _engine = new();
    private V1ConfigMap? _held;

    public FetchedCrlWorld(TestCertificateAuthority ca, DateTimeOffset now, Action<TrustBundleSpec>? spec = null, TestCertificateAuthority[]? cas = null)
    {
        Ca = ca;
        Now = now;
        Bundle = new TrustBundle
        {
            Metadata = new V1ObjectMeta { Name = "corp", NamespaceProperty = "team-a", Generation = 1, Uid = "uid-corp" },
            Spec = new TrustBundleSpec
            {
                Sources = [new DataSource { Inline = PemExport.Certificates((cas ?? [ca]).Select(c => c.Certificate)) }],
                Crls = [new CrlSource { Url = Url }],
            },
        };
        spec?.Invoke(Bundle.Spec);
    }

    public TestCertificateAuthority Ca { get; }

    public TrustBundle Bundle { get; }

    public DateTimeOffset Now { get; set; }

    public TrustBundleEvaluation? Last { get; private set; }

    /// <summary>Evaluates with <paramref name="download"/> as what the shell holds for <see cref="Url"/>, and carries status and output over.</summary>
    public TrustBundleEvaluation Step(CrlDownload? download, string url = Url, params IKubernetesObject<V1ObjectMeta>[] more)
    {
        var downloads = new CrlDownloads(
            download is null ? new Dictionary<(string, string, string), CrlDownload>() : new() { [("team-a", "corp", url)] = download }, null);
        var world = ResourceSnapshot.Of([Bundle, .. (_held is null ? Array.Empty<IKubernetesObject<V1ObjectMeta>>() : [_held]), .. more]);
        var result = _engine.Evaluate(Bundle, new EvaluationContext(world, Now) { CrlDownloads = downloads });
        Bundle.Status = result.Status;
        if (result.Output is { } output)
        {
            output.Metadata.NamespaceProperty ??= "team-a";
            _held = output;
        }

        Last = result;
        return result;
    }

    /// <summary>The live output ConfigMap (the last one written).</summary>
    public V1ConfigMap? Output => _held;

    public CrlDownload Received(byte[] body, DateTimeOffset? at = null) => new(body, at ?? Now, null, null);

    public static CrlDownload Failed(string error, DateTimeOffset since) => new(null, null, error, since);

    public byte[] Crl(int number, TimeSpan? validFor = null, TimeSpan? age = null) =>
        Ca.CreateCrl(Now - (age ?? TimeSpan.FromMinutes(10)), Now + (validFor ?? TimeSpan.FromDays(7)), new BigInteger(number));

    public static string Ready(TrustBundleEvaluation r) => r.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Reason;

    public static V1Condition? Condition(TrustBundleEvaluation r, string type) => r.Status.Conditions.SingleOrDefault(c => c.Type == type);
}
