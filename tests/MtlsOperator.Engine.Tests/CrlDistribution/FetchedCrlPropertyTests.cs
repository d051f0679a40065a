using System.Globalization;
using System.Numerics;
using System.Text;
using MtlsOperator.Engine.CrlDistribution;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Tests.Properties;
using TestPki;

namespace MtlsOperator.Engine.Tests.CrlDistribution;

/// <summary>Seeded random sequences of what a CRL URL gives (a new CRL, an older one, the same again, corrupt bytes, a CRL of an impostor CA
/// with the same name, an expired one, HTTP errors, nothing yet) while time moves on, each step evaluated on the previous step's ConfigMap
/// and status as the controller would. The rendered CRL is always the latest verified, current CRL the URL ever gave (the last good one),
/// never an unverified one; and when there is none, nothing is rendered and the bundle is not Ready. Replay with MTLS_TEST_SEED.</summary>
public sealed class FetchedCrlPropertyTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot("CN=Property Fetch CA,O=Corp");
    private static readonly TestCertificateAuthority s_impostor = TestCertificateAuthority.CreateRoot("CN=Property Fetch CA,O=Corp");

    private enum Outcome { NewCrl, OlderCrl, SameAgain, Corrupt, Impostor, ExpiredCrl, HttpError, Nothing }

    [Fact]
    public void The_rendered_crl_is_always_the_last_good_one_and_never_an_unverified_one()
    {
        Seeded.ForAll(defaultSeed: 20261201, cases: 25, (random, _) =>
        {
            var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            var world = new FetchedCrlWorld(s_ca, start);
            var issued = new List<(byte[] Der, int Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate)>();
            byte[]? lastBody = null;
            DateTimeOffset? receivedAt = null;
            var trace = new StringBuilder();
            (byte[] Der, int Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate) lastGood = default;
            var number = 10;
            for (var step = 0; step < 14; step++)
            {
                world.Now += TimeSpan.FromMinutes(random.Next(1, 180));
                var outcome = (Outcome)random.Next(Enum.GetValues<Outcome>().Length);
                CrlDownload? download;
                switch (outcome)
                {
                    case Outcome.NewCrl:
                    {
                        number += random.Next(1, 3);
                        var (der, tu, nu) = Issue(s_ca, number, world.Now, random);
                        issued.Add((der, number, tu, nu));
                        download = Received(der);
                        break;
                    }

                    case Outcome.OlderCrl when issued.Count > 0:
                        download = Received(issued[random.Next(issued.Count)].Der);
                        break;
                    case Outcome.SameAgain when lastBody is not null:
                        download = Received(lastBody);
                        break;
                    case Outcome.Corrupt:
                        download = Received(random.Next(2) == 0 ? Encoding.ASCII.GetBytes("<html>not a CRL</html>") : RandomBytes(random));
                        break;
                    case Outcome.Impostor:
                        download = Received(Issue(s_impostor, number + 50, world.Now, random).Der);
                        break;
                    case Outcome.ExpiredCrl:
                    {
                        number += 1;
                        var der = s_ca.CreateCrl(world.Now.AddDays(-3), world.Now.AddDays(-1), new BigInteger(number));
                        issued.Add((der, number, world.Now.AddDays(-3), world.Now.AddDays(-1)));
                        download = Received(der);
                        break;
                    }

                    case Outcome.HttpError:
                        download = new CrlDownload(lastBody, receivedAt, "the server answered HTTP 503 Test", world.Now);
                        break;
                    default:
                        download = lastBody is null ? null : new CrlDownload(lastBody, receivedAt, null, null);
                        break;
                }

                trace.Append(CultureInfo.InvariantCulture, $" {step}:{outcome}@{world.Now:HH:mm}");
                var result = world.Step(download);

                // The model, stated independently: the last good CRL is the highest-numbered CRL of the real CA that was current when the URL
                // gave it (an older one never replaces it); it is rendered while current, and then nothing is.
                if (download?.Body is { } given && issued.FirstOrDefault(c => c.Der.AsSpan().SequenceEqual(given)) is { Der: not null } real
                    && real.ThisUpdate <= world.Now && world.Now <= real.NextUpdate && (lastGood.Der is null || real.Number >= lastGood.Number))
                {
                    lastGood = real;
                }

                var expected = lastGood.Der is not null && lastGood.ThisUpdate <= world.Now && world.Now <= lastGood.NextUpdate ? lastGood : default;
                if (expected.Der is null)
                {
                    Assert.True(result.Output is null, $"no last good CRL is current, yet a CRL is rendered;{trace}");
                    Assert.NotEqual("True", result.Status.Conditions.Single(c => c.Type == "Ready").Status);
                    if (lastGood.Der is null && download is null)
                    {
                        Assert.Equal(TrustBundleReasons.CrlNotFetched, FetchedCrlWorld.Ready(result));
                    }
                }
                else
                {
                    Assert.True(result.Output is not null, $"CRL number {expected.Number} is current and was verified, but nothing is rendered " +
                        $"({FetchedCrlWorld.Ready(result)});{trace}");
                    var rendered = PemBlock.ReadAll(result.Output.Data[TrustBundleEvaluator.CrlKey]).Single().Der.ToArray();
                    Assert.True(rendered.AsSpan().SequenceEqual(expected.Der), $"rendered another CRL than number {expected.Number};{trace}");
                    Assert.True(SignatureVerifier.Verify(CertificateRevocationList.Parse(rendered).Structure, s_ca.Certificate) == SignatureCheck.Valid,
                        $"the rendered CRL is not signed by the bundle CA;{trace}");
                    Assert.Equal(expected.Der, result.Output.BinaryData[HeldCrls.KeyOf(FetchedCrlWorld.Url)]);
                }

                if (download?.Body is { } body && download.Error is null)
                {
                    if (lastBody is null || !lastBody.AsSpan().SequenceEqual(body))
                    {
                        receivedAt = world.Now;
                    }

                    lastBody = body;
                }
            }

            CrlDownload Received(byte[] body) => new(body, lastBody is not null && lastBody.AsSpan().SequenceEqual(body) ? receivedAt : world.Now, null, null);
        });
    }

    private static (byte[] Der, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate) Issue(TestCertificateAuthority ca, int number, DateTimeOffset now, Random random)
    {
        var thisUpdate = now.AddMinutes(-random.Next(0, 30));
        var nextUpdate = now.AddMinutes(random.Next(30, 600));
        return (ca.CreateCrl(thisUpdate, nextUpdate, new BigInteger(number)), thisUpdate, nextUpdate);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 400)];
        random.NextBytes(bytes);
        bytes[0] = 0x30;
        return bytes;
    }
}
