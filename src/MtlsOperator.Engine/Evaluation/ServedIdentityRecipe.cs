using System.Collections.Immutable;
using k8s.Models;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>
/// A servable ServerCertificate's <see cref="ServerIdentity"/> as positions in its TLS Secret — which certificates of tls.crt (then
/// ca.crt) are served, in order, with the key of tls.key — rather than as PEM text: about a hundred bytes instead of two KiB, and
/// rebuilt with PEM decoding only (no X.509 parsing, key import or chain building) from a Secret with the same bytes.
/// </summary>
/// <remarks>Only what was decided is remembered (which blocks form the served chain); the text is made again from the Secret, and a
/// recipe is only taken when that rebuild gives exactly the identity the evaluation produced.</remarks>
internal sealed record ServedIdentityRecipe(string Name, ImmutableArray<string> Hostnames, ImmutableArray<int> Chain, DateTimeOffset NotAfter)
{
    private const string CertificateLabel = "CERTIFICATE";

    /// <summary>The recipe of <paramref name="identity"/>, evaluated from <paramref name="secret"/>; null when its chain is not
    /// made of the Secret's own certificate blocks or its key is not the Secret's key, byte for byte.</summary>
    public static ServedIdentityRecipe? Of(ServerIdentity identity, V1Secret secret)
    {
        var blocks = CertificateBlocks(secret);
        var served = PemBlock.ReadAll(identity.ChainPem);
        var chain = ImmutableArray.CreateBuilder<int>(served.Count);
        foreach (var block in served)
        {
            var index = blocks.FindIndex(b => b.Span.SequenceEqual(block.Der.Span));
            if (index < 0)
            {
                return null;
            }

            chain.Add(index);
        }

        var recipe = new ServedIdentityRecipe(identity.Name, identity.Hostnames, chain.ToImmutable(), identity.NotAfter);
        return recipe.Rebuild(secret) is { } rebuilt && rebuilt.ChainPem == identity.ChainPem && rebuilt.KeyPem == identity.KeyPem ? recipe : null;
    }

    /// <summary>The identity again, from the Secret the recipe was taken from (the caller checks its version); null if it no longer fits.</summary>
    public ServerIdentity? Rebuild(V1Secret secret)
    {
        var blocks = CertificateBlocks(secret);
        if (Chain.Any(i => i >= blocks.Count)
            || TlsSecretData.Get(secret, TlsSecretData.PrivateKey) is not { } keyBytes || PrivateKeyPem.Read(keyBytes).Block is not { } key)
        {
            return null;
        }

        var chainPem = PemBlock.Join(Chain.Select(i => new PemBlock(CertificateLabel, blocks[i])));
        return new ServerIdentity(Name, Hostnames, chainPem, key.ToPem(), NotAfter);
    }

    // The evaluation serves certificates from tls.crt and, after them, ca.crt (TlsSecretInspector): the same order here.
    private static List<ReadOnlyMemory<byte>> CertificateBlocks(V1Secret secret)
    {
        var blocks = new List<ReadOnlyMemory<byte>>();
        foreach (var name in new[] { TlsSecretData.Certificate, TlsSecretData.CaCertificate })
        {
            if (TlsSecretData.Get(secret, name) is { } bytes)
            {
                blocks.AddRange(PemOrDer.Read(bytes, CertificateLabel).Objects);
            }
        }

        return blocks;
    }
}
