using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Cli.Check;

/// <summary>The trust a served chain is verified to: roots (self-signed) and the other CA certificates that may complete a path.</summary>
internal sealed record CheckTrust(ImmutableArray<X509Certificate2> Anchors, ImmutableArray<X509Certificate2> Intermediates, string Source)
{
    /// <summary>From <c>--ca</c> files (PEM or DER certificates) and <c>--trust-bundle</c> files (a TrustBundle manifest, evaluated by the
    /// engine as the operator would, or plain PEM); the system's trust store when neither is given.</summary>
    public static CheckTrust Load(IReadOnlyList<string> caFiles, IReadOnlyList<string> bundleFiles, DateTimeOffset now)
    {
        if (caFiles.Count == 0 && bundleFiles.Count == 0)
        {
            using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            store.Open(OpenFlags.ReadOnly);
            return new CheckTrust([.. store.Certificates], [], "the system's trust store");
        }

        var certificates = new List<X509Certificate2>();
        foreach (var file in caFiles)
        {
            certificates.AddRange(Certificates(File.ReadAllBytes(file), file));
        }

        foreach (var file in bundleFiles)
        {
            certificates.AddRange(FromBundleFile(file, now));
        }

        var anchors = certificates.Where(CertificatePaths.IsSelfSigned).ToImmutableArray();
        var source = string.Join(", ", caFiles.Select(f => "--ca " + f).Concat(bundleFiles.Select(f => "--trust-bundle " + f)));
        return new CheckTrust(anchors, [.. certificates.Except(anchors)], source);
    }

    private static IEnumerable<X509Certificate2> FromBundleFile(string file, DateTimeOffset now)
    {
        var bytes = File.ReadAllBytes(file);
        var text = Encoding.UTF8.GetString(bytes);
        if (text.Contains("-----BEGIN", StringComparison.Ordinal) && !text.Contains("kind:", StringComparison.Ordinal))
        {
            return Certificates(bytes, file);
        }

        var manifests = ManifestReader.Read([file], "default");
        if (manifests.Errors.Count > 0)
        {
            throw new FormatException(string.Join("; ", manifests.Errors));
        }

        var bundles = manifests.Objects.OfType<TrustBundle>().ToList();
        if (bundles.Count == 0)
        {
            throw new FormatException($"{file}: no TrustBundle in it (or give PEM certificates with --ca)");
        }

        var result = new TrustEngine().EvaluateAll(ResourceSnapshot.Of(manifests.Objects), now);
        var certificates = new List<X509Certificate2>();
        foreach (var bundle in bundles)
        {
            var outcome = result.Outcomes.First(o => ReferenceEquals(o.Resource, bundle));
            var configMap = result.Outputs.OfType<V1ConfigMap>().FirstOrDefault(c =>
                c.Metadata.NamespaceProperty == bundle.Metadata.NamespaceProperty && c.Metadata.Name == TrustBundleEvaluator.OutputNameOf(bundle));
            if (outcome.Ready.Status != "True" || configMap?.Data is null || !configMap.Data.TryGetValue(TrustBundleEvaluator.CaKey, out var pem))
            {
                throw new FormatException($"{file}: TrustBundle {bundle.Metadata.Name} is not Ready: {outcome.Ready.Reason}: {outcome.Ready.Message}");
            }

            certificates.AddRange(Certificates(Encoding.UTF8.GetBytes(pem), file));
        }

        return certificates;
    }

    private static List<X509Certificate2> Certificates(byte[] bytes, string file)
    {
        var certificates = PemBlock.LooksLikePem(bytes)
            ? PemBlock.ReadAll(Encoding.UTF8.GetString(bytes)).Where(b => b.Label == PemLabels.Certificate).Select(b => X509CertificateLoader.LoadCertificate(b.Der.Span)).ToList()
            : [X509CertificateLoader.LoadCertificate(bytes)];
        return certificates.Count > 0 ? certificates : throw new FormatException($"{file}: no certificate found");
    }
}
