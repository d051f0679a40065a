using System.Text.Json;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Engine.Tests.Serving;

public sealed class SidecarReportTests
{
    private const string Hash = "sha256:ab7ccebcdf777652a64bcb883c0b4a3e0d02e5a10f480bf0cadaba518e9016cd";

    [Fact]
    public void Serializes_with_the_contract_field_names_a_string_state_and_utc_times()
    {
        var report = new SidecarReport("haproxy", SidecarState.Serving, Hash, null, null, 3,
            new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.FromHours(2)), new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));

        using var json = JsonDocument.Parse(report.ToJson());
        var root = json.RootElement;

        Assert.Equal(
            ["proxy", "state", "servedContentHash", "rejectedContentHash", "rejectedError", "reloads", "lastReloadTime", "servedCertificateNotAfter"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Serving", root.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("rejectedContentHash").ValueKind);
        Assert.Equal(3, root.GetProperty("reloads").GetInt64());
        Assert.Equal("2026-12-01T10:00:00+00:00", root.GetProperty("lastReloadTime").GetString());
    }

    [Fact]
    public void Round_trips_through_its_json()
    {
        var report = new SidecarReport("nginx", SidecarState.Starting, null, Hash, "nginx: [emerg] unexpected end of file", 0, null, null);

        Assert.Equal(report, SidecarReport.Parse(report.ToJson()));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"proxy\":\"haproxy\",\"state\":\"Exploded\"}")]
    public void Anything_else_reads_as_no_report(string body)
    {
        Assert.Null(SidecarReport.Parse(body));
    }
}
