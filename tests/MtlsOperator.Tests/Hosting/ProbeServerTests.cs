using Microsoft.Extensions.Logging.Abstractions;
using MtlsOperator.Hosting;

namespace MtlsOperator.Tests.Hosting;

/// <summary>/metrics is written in slices (so Kestrel does not buffer megabytes): a text many slices long still arrives whole.</summary>
public sealed class ProbeServerTests
{
    [Fact]
    public async Task A_metrics_text_many_slices_long_arrives_whole_and_as_prometheus_text()
    {
        var lines = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"mtls_operator_example{{resource=\"r-{i:D5}\"}} {i}\n"));
        await using var probes = await ProbeServer.StartAsync("127.0.0.1", 0, () => true, () => true, _ => lines, NullLoggerFactory.Instance, CancellationToken.None);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(probes.Url + "/metrics"));

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(lines, await response.Content.ReadAsStringAsync());
    }
}
