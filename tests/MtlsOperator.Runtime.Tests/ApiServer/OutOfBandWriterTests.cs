using System.Text.Json.Nodes;
using k8s;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class OutOfBandWriterTests : ApiServerTest
{
    [Fact]
    public async Task Out_of_band_writes_are_watched_but_not_journaled()
    {
        var mark = Server.Requests.Mark();
        var created = Server.OutOfBand.Create(Bundles, Ns, Bundle("a"));
        Server.OutOfBand.MergePatch(Bundles, Ns, "a", new JsonObject { ["spec"] = new JsonObject { ["sources"] = new JsonArray() } });
        Server.OutOfBand.Delete(Bundles, Ns, "a");
        var journaledBeforeWatch = Server.Requests.Since(mark).Count;

        var events = await TakeAsync(WatchBundles(resourceVersion: "1"), 2);

        Assert.Equal(0, journaledBeforeWatch);
        Assert.Equal([WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal(2, Generation(events[0].Object));
        Assert.Equal("1", Version(created));
    }

    [Fact]
    public async Task Out_of_band_conflicts_throw_with_the_api_status()
    {
        var created = await CreateBundleAsync(Bundle("a"));
        Server.OutOfBand.MergePatch(Bundles, Ns, "a", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["x"] = "y" } } });

        var error = Assert.Throws<InvalidOperationException>(() => Server.OutOfBand.Replace(Bundles, Ns, created));

        Assert.StartsWith("409 Conflict", error.Message, StringComparison.Ordinal);
    }
}
