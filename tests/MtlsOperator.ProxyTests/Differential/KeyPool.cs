using System.Security.Cryptography;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>Keys generated once per run and handed out round-robin: RSA-2048 generation takes up to a second on a loaded
/// machine, so there are few of them and mostly EC P-256 keys.</summary>
public sealed class KeyPool
{
    private static readonly Lazy<KeyPool> s_instance = new(() => new KeyPool());
    private readonly Dictionary<KeyKind, AsymmetricAlgorithm[]> _keys;

    private KeyPool() => _keys = new()
    {
        [KeyKind.EcP256] = [.. Enumerable.Range(0, 24).Select(_ => (AsymmetricAlgorithm)ECDsa.Create(ECCurve.NamedCurves.nistP256))],
        [KeyKind.EcP384] = [.. Enumerable.Range(0, 4).Select(_ => (AsymmetricAlgorithm)ECDsa.Create(ECCurve.NamedCurves.nistP384))],
        [KeyKind.Rsa2048] = [.. Enumerable.Range(0, 3).Select(_ => (AsymmetricAlgorithm)RSA.Create(2048))],
        [KeyKind.WeakRsa1024] = [.. Enumerable.Range(0, 4).Select(_ => (AsymmetricAlgorithm)RSA.Create(1024))],
    };

    public static KeyPool Instance => s_instance.Value;

    /// <summary>The <paramref name="n"/>-th key of a kind (wrapping around).</summary>
    public AsymmetricAlgorithm Key(KeyKind kind, int n) => _keys[kind][n % _keys[kind].Length];
}
