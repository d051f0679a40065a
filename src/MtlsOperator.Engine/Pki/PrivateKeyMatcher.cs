using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>One private key compared with any number of certificates (the leaf is looked for among all of <c>tls.crt</c>): its
/// public half is derived once, not once per certificate (an import costs ~80 µs on OpenSSL 3).</summary>
public sealed class PrivateKeyMatcher(PemBlock key)
{
    private readonly string? _keyOid = PublicKeyAlgorithm.OfKey(key);
    private byte[]? _publicKey;
    private KeyMatchOutcome? _failure;

    /// <summary>Compares the key with <paramref name="certificate"/>. Never throws.</summary>
    public PrivateKeyMatch Check(X509Certificate2 certificate)
    {
        var certificateOid = certificate.PublicKey.Oid.Value;
        var result = new PrivateKeyMatch(KeyMatchOutcome.Unreadable, PublicKeyAlgorithm.NameOf(_keyOid), PublicKeyAlgorithm.NameOf(certificateOid));
        if (_keyOid is null)
        {
            return result;
        }

        if (_keyOid != certificateOid)
        {
            return result with { Outcome = KeyMatchOutcome.Mismatch };
        }

        if (_keyOid is not (PublicKeyAlgorithm.RsaOid or PublicKeyAlgorithm.EcOid))
        {
            // Ed25519 and others: .NET has no implementation to derive their public key from the private one.
            return result with { Outcome = KeyMatchOutcome.UnsupportedAlgorithm };
        }

        if (_failure is { } failed)
        {
            return result with { Outcome = failed };
        }

        try
        {
            return result with { Outcome = Compare(certificate, _keyOid == PublicKeyAlgorithm.RsaOid) };
        }
        catch (CryptographicException)
        {
            return result;
        }
        catch (PlatformNotSupportedException)
        {
            // A curve this platform does not know, named by the key or by the certificate.
            return result with { Outcome = KeyMatchOutcome.UnsupportedAlgorithm };
        }
    }

    /// <summary>Both sides are re-exported by .NET as SubjectPublicKeyInfo, a canonical encoding of exactly the public
    /// parameters (modulus and exponent; named curve and point), so byte equality is parameter equality.</summary>
    private KeyMatchOutcome Compare(X509Certificate2 certificate, bool rsa)
    {
        var derived = PublicKeyOf(rsa);
        // A certificate whose key is written exactly in that canonical form holds the same key; re-exporting it (through OpenSSL's
        // key conversion, ~15 µs) can only give these bytes again. Any other spelling (a compressed point, absent RSA parameters) is
        // re-exported and compared as before.
        if (derived.AsSpan().SequenceEqual(certificate.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            return KeyMatchOutcome.Match;
        }

        using AsymmetricAlgorithm? publicKey = rsa ? certificate.GetRSAPublicKey() : certificate.GetECDsaPublicKey();
        if (publicKey is null)
        {
            return KeyMatchOutcome.UnsupportedAlgorithm;
        }

        return derived.AsSpan().SequenceEqual(publicKey.ExportSubjectPublicKeyInfo()) ? KeyMatchOutcome.Match : KeyMatchOutcome.Mismatch;
    }

    /// <summary>The public key the private key implies, derived by importing it (the import checks the key's own public point,
    /// when it carries one, against its private scalar). A key that cannot be imported is remembered as such: the verdict for
    /// every later certificate of its algorithm is the same.</summary>
    private byte[] PublicKeyOf(bool rsa)
    {
        if (_publicKey is not null)
        {
            return _publicKey;
        }

        try
        {
            if (!rsa && EcPrivateKeyFields.TryRead(key) is { } fields)
            {
                return _publicKey = FromScalar(fields);
            }

            using var privateKey = PrivateKeyImport.Open(key, rsa);
            return _publicKey = privateKey.ExportSubjectPublicKeyInfo();
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            _failure = e is PlatformNotSupportedException ? KeyMatchOutcome.UnsupportedAlgorithm : KeyMatchOutcome.Unreadable;
            throw;
        }
    }

    /// <summary>The public key computed from the private scalar alone (the platform multiplies it out and checks the result), then
    /// held to the point the key writes, if any, as the platform's full import would: a key whose written point is not its
    /// scalar's is unreadable, never a match by its point.</summary>
    private static byte[] FromScalar(EcPrivateKeyFields fields)
    {
        using var ec = ECDsa.Create();
        ec.ImportParameters(new ECParameters { Curve = ECCurve.CreateFromValue(fields.CurveOid), D = fields.D });
        var derived = ec.ExportSubjectPublicKeyInfo();
        // The SubjectPublicKeyInfo ends with the uncompressed point (0x04, X, Y) at the curve's length.
        if (fields.Point is { } written && !derived.AsSpan()[^written.Length..].SequenceEqual(written))
        {
            throw new CryptographicException("The public point written in the key is not the one its private scalar gives.");
        }

        return derived;
    }
}
