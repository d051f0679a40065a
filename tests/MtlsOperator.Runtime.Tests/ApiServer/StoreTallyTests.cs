using System.Text.Json;
using System.Text.Json.Nodes;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class StoreTallyTests : ApiServerTest
{
    [Fact]
    public void A_tally_counts_what_a_scan_of_the_store_counts_after_every_write()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        Server.OutOfBand.Create(Bundles, Ns, Bundle("before", pem: "yes"));
        Server.OutOfBand.Create(Bundles, "team-b", Bundle("before", pem: "no"));
        using var tally = Server.Store.Tally(Bundles, HasPemYes);

        for (var step = 0; step < 300; step++)
        {
            var ns = random.Next(2) == 0 ? Ns : "team-b";
            var name = $"b{random.Next(8)}";
            var exists = Server.Store.Get(Bundles, ns, name) is not null;
            var pem = random.Next(2) == 0 ? "yes" : "no";
            switch (random.Next(3))
            {
                case 0 when !exists:
                    Server.OutOfBand.Create(Bundles, ns, Bundle(name, pem));
                    break;
                case 1 when exists:
                    Server.OutOfBand.MergePatch(Bundles, ns, name, new JsonObject
                    {
                        ["spec"] = new JsonObject { ["sources"] = new JsonArray(new JsonObject { ["inline"] = pem }) },
                    });
                    break;
                case 2 when exists:
                    Server.OutOfBand.Delete(Bundles, ns, name);
                    break;
            }

            var scanned = Server.Store.Count(Bundles, null, bundle => bundle["spec"]?["sources"]?[0]?["inline"]?.GetValue<string>() == "yes");
            Assert.True(scanned == tally.Count, $"seed {seed}, step {step}: scan {scanned}, tally {tally.Count}");
        }
    }

    [Fact]
    public async Task A_disposed_tally_no_longer_counts_and_other_resources_never_count()
    {
        using var secrets = Server.Store.Tally(TestApiServer.ApiResource.Secrets, _ => true);
        var tally = Server.Store.Tally(Bundles, _ => true);
        await CreateBundleAsync(Bundle("a"));
        tally.Dispose();
        await CreateBundleAsync(Bundle("b"));

        Assert.Equal(1, tally.Count);
        Assert.Equal(0, secrets.Count);
    }

    private static bool HasPemYes(JsonElement bundle) =>
        bundle.GetProperty("spec").GetProperty("sources")[0].GetProperty("inline").GetString() == "yes";
}
