using System.Numerics;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Issuance;
using MtlsOperator.Engine.Tests.Properties;

namespace MtlsOperator.Engine.Tests.Issuance;

/// <summary>Seeded random sequences of issue, renew (time passing), revoke (spec.revoked, or a ClientCertificateRevocation), delete (a
/// certificate or a revocation), losing the CA's status or its published ConfigMap (an operator restart with a wiped status, a person
/// deleting the output) over three certificates. After every step the CRL Number
/// has only increased (strictly, whenever a new CRL was written) and the CRL lists exactly the revoked serials that have not expired.
/// Replay with <c>MTLS_TEST_SEED</c>.</summary>
public sealed class AuthorityCrlPropertyTests
{
    private static readonly string[] s_names = ["a", "b", "c"];

    [Fact]
    public void Any_sequence_keeps_crl_numbers_increasing_and_the_crl_equal_to_the_revoked_unexpired_serials()
    {
        Seeded.ForAll(defaultSeed: 1201, cases: 6, (random, _) =>
        {
            var world = new IssuanceWorld();
            var now = DateTimeOffset.UtcNow;
            var revoked = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            BigInteger last = 0;
            var trace = new List<string>();
            for (var step = 0; step < 14; step++)
            {
                var name = s_names[random.Next(s_names.Length)];
                var op = random.Next(9);
                trace.Add($"{op}:{name}");
                var existing = world.Get<IssuedClientCertificate>(IssuedClientCertificate.KindName, name);
                switch (op)
                {
                    case 0 or 1 when existing is null:
                        world.Put(IssuanceWorld.Certificate(name, s => { s.ValidityDays = 6; s.RenewBeforeDays = 2; }));
                        break;
                    case 2 when existing is { Spec.Revoked: not true }:
                        existing.Spec.Revoked = true;
                        existing.Metadata.Generation++;
                        foreach (var c in world.Secret(name + "-tls") is { } s ? Engine.Issuance.HeldCertificates.Read(s, now).All : [])
                        {
                            revoked[c.SerialNumber] = new DateTimeOffset(c.NotAfter.ToUniversalTime());
                        }

                        break;
                    case 3 when existing is not null:
                        world.Remove(IssuedClientCertificate.KindName, name);
                        world.Remove(k8s.Models.V1Secret.KubeKind, name + "-tls");
                        break;
                    case 4:
                        world.Authority.Status = null;
                        break;
                    case 5:
                        world.Remove(k8s.Models.V1ConfigMap.KubeKind, "partner-ca-crl");
                        break;
                    case 6 when existing is not null:
                        world.Put(IssuanceWorld.Revocation("rev-" + name, issued: name));
                        foreach (var c in world.Secret(name + "-tls") is { } s ? Engine.Issuance.HeldCertificates.Read(s, now).All : [])
                        {
                            revoked[c.SerialNumber] = new DateTimeOffset(c.NotAfter.ToUniversalTime());
                        }

                        break;
                    case 7:
                        world.Remove(ClientCertificateRevocation.KindName, "rev-" + name);
                        break;
                    default:
                        now = now.AddHours(random.Next(1, 60));
                        break;
                }

                world.Converge(now);
                var crl = world.Crl!;
                var number = crl.Extensions.Number!.Value;
                var wrote = world.Writes.Contains("ConfigMap/partner-ca-crl");
                Assert.True(wrote ? number > last : number == last, $"CRL number {number} after {last} (written: {wrote}); steps {string.Join(' ', trace)}");
                last = number;
                // A certificate is valid up to and including its notAfter (whole seconds): it stays listed through that second.
                var second = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
                var expected = revoked.Where(r => r.Value >= second).Select(r => r.Key).Order(StringComparer.Ordinal);
                Assert.True(expected.SequenceEqual(crl.RevokedSerials.Order(StringComparer.Ordinal)),
                    $"CRL lists [{string.Join(',', crl.RevokedSerials)}], expected [{string.Join(',', expected)}]; known [{string.Join(',', revoked.Select(r => r.Key + "@" + r.Value.ToString("o")))}] now {now:o}; CA status [{string.Join(',', world.Authority.Status?.Revoked.Select(r => r.SerialNumber + "@" + r.NotAfter?.ToString("o")) ?? [])}]; steps {string.Join(' ', trace)}");
                Assert.True(crl.NextUpdate - now > TimeSpan.FromHours(84), "nextUpdate is refreshed before half its validity is left");
            }
        });
    }
}
