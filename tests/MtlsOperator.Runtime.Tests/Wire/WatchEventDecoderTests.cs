using System.Text;
using System.Text.Json;
using CsCheck;
using k8s;
using k8s.Models;
using MtlsOperator.Runtime.Wire;

namespace MtlsOperator.Runtime.Tests.Wire;

/// <summary>One watch line decoded once: for seeded random Secrets (names, labels, data, times) and event types, the decoder
/// reads what KubernetesClient's own watch decoding reads from the same line (the oracle); on failure CsCheck prints the seed,
/// replay with <c>CsCheck_Seed</c>.</summary>
public sealed class WatchEventDecoderTests
{
    private static readonly Gen<string> Name = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-"].Array[1, 40].Select(c => new string(c));
    private static readonly Gen<string> Text = Gen.String[Gen.Char.AlphaNumeric, 0, 30].Select(s => s + "é\"\\\u2028");

    private static readonly Gen<V1Secret> Secret = Gen.Select(Name, Name, Gen.Dictionary(Name, Text)[0, 5], Gen.Dictionary(Name, Gen.Byte.Array[0, 3_000])[0, 4], Gen.Long[0, long.MaxValue / 2], Gen.DateTime[new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc)])
        .Select((name, ns, labels, data, version, created) => new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Labels = labels,
                ResourceVersion = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                CreationTimestamp = new DateTime(created.Ticks - (created.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc),
            },
            Type = "Opaque",
            Data = data,
        });

    private static readonly Gen<string> EventType = Gen.Int[0, 3].Select(i => new[] { "ADDED", "MODIFIED", "DELETED", "BOOKMARK" }[i]);

    [Fact]
    public void Every_event_decodes_as_the_client_decodes_it()
    {
        Gen.Select(Secret, EventType, Gen.Bool).Sample((secret, type, objectFirst) =>
        {
            var line = Line(type, KubernetesJson.Serialize(secret), objectFirst);

            var (decodedType, decoded, status) = WatchEventDecoder.Decode<V1Secret>(Encoding.UTF8.GetBytes(line));
            var oracle = KubernetesJson.Deserialize<Watcher<V1Secret>.WatchEvent>(line);

            Assert.Null(status);
            Assert.Equal(oracle.Type, decodedType);
            Assert.Equal(KubernetesJson.Serialize(oracle.Object), KubernetesJson.Serialize(decoded!));
        }, iter: 500);
    }

    [Fact]
    public void An_error_line_is_its_status_and_no_object()
    {
        var line = """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (10)","reason":"Expired","code":410}}""";

        var (type, item, status) = WatchEventDecoder.Decode<V1Secret>(Encoding.UTF8.GetBytes(line));

        Assert.Equal(WatchEventType.Error, type);
        Assert.Null(item);
        Assert.Equal(410, status?.Code);
        Assert.Equal("Expired", status?.Reason);
    }

    [Theory]
    [InlineData("""{"type":"ADDED","object":{"kind":"Secret","metadata":{"name":"a""")]
    [InlineData("""{"type":"ADDED"}""")]
    [InlineData("""{"object":{"kind":"Secret"}}""")]
    [InlineData("""{"type":"RENAMED","object":{"kind":"Secret"}}""")]
    [InlineData("""{"type":7,"object":{"kind":"Secret"}}""")]
    [InlineData("""["ADDED",{"kind":"Secret"}]""")]
    [InlineData("""{"type":"ADDED","object":{"kind":"Secret"}} {"type":"ADDED","object":{"kind":"Secret"}}""")]
    [InlineData("""{"type":"ADDED","object":null}""")]
    public void A_line_that_is_not_one_whole_event_is_refused(string line)
    {
        Assert.ThrowsAny<JsonException>(() => WatchEventDecoder.Decode<V1Secret>(Encoding.UTF8.GetBytes(line)));
    }

    [Fact]
    public void Every_cut_of_an_event_is_refused()
    {
        var line = Encoding.UTF8.GetBytes(Line("MODIFIED", KubernetesJson.Serialize(new V1Secret { Metadata = new() { Name = "a", ResourceVersion = "9" }, Data = new Dictionary<string, byte[]> { ["k"] = [1, 2, 3] } }), objectFirst: false));

        for (var cut = 1; cut < line.Length; cut++)
        {
            Assert.ThrowsAny<JsonException>(() => WatchEventDecoder.Decode<V1Secret>(line.AsSpan(0, cut)));
        }
    }

    private static string Line(string type, string objectJson, bool objectFirst) => objectFirst
        ? $$"""{"object":{{objectJson}},"type":"{{type}}"}"""
        : $$"""{"type":"{{type}}","object":{{objectJson}}}""";
}
