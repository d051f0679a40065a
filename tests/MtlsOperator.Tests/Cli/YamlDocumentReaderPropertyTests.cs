using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MtlsOperator.Cli;
using TestPki;
using YamlDotNet.Core;

namespace MtlsOperator.Tests.Cli;

/// <summary>The manifest YAML reader: any text ends in documents or a <see cref="YamlException"/>, and what the writer writes reads back the same.</summary>
public sealed class YamlDocumentReaderPropertyTests
{
    private static readonly string[] s_fragments =
    [
        "a", "kind", "b1", "7", "-3.5", "true", "null", "~", ":", ": ", " ", "  ", "\n", "- ", "[", "]", "{", "}", ", ", "&x ", "*x", "&y ", "*y",
        "!!str ", "!!int ", "!custom ", "? ", "---\n", "...\n", "'", "\"", "\\", "|\n", ">-\n", "# c\n", "\t", "<<: *x\n", "%YAML 1.2\n", "\u00e9", "\ud83d\ude00", "\0",
    ];

    [Fact]
    public void Random_yaml_ends_in_documents_or_a_yaml_error_never_another_exception()
    {
        var seed = FuzzSeed.Next();
        var random = new Random(seed);
        for (var i = 0; i < 5_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => s_fragments[random.Next(s_fragments.Length)]));
            try
            {
                YamlDocumentReader.Read(text);
            }
            catch (YamlException)
            {
                // Refused with a reason: what the reader promises for bad input.
            }
            catch (Exception e)
            {
                Assert.Fail($"{FuzzSeed.Describe(seed)}: case {i}: {e.GetType().Name} for {Json(text)}: {e.Message}\n{e.StackTrace}");
            }
        }
    }

    [Fact]
    public void What_the_writer_writes_reads_back_as_the_same_json()
    {
        var seed = FuzzSeed.Next();
        var random = new Random(seed);
        for (var i = 0; i < 1_000; i++)
        {
            var node = RandomObject(random, depth: 0);

            var yaml = ManifestYaml.Write(node);
            var back = YamlDocumentReader.Read(yaml);

            Assert.True(back.Count == 1 && JsonNode.DeepEquals(node, back[0]),
                $"{FuzzSeed.Describe(seed)}: case {i}: {node.ToJsonString()} was written as\n{yaml}\nand read back as {(back.Count == 1 ? back[0].ToJsonString() : $"{back.Count} documents")}");
        }
    }

    [Fact]
    public void Aliases_expand_within_the_node_budget_and_beyond_it_are_refused_naming_the_limit()
    {
        var within = YamlDocumentReader.Read("a: &a [1, 2, 3]\nb: [*a, *a]\n");
        Assert.Equal("""{"a":[1,2,3],"b":[[1,2,3],[1,2,3]]}""", within[0].ToJsonString());

        var laughs = new StringBuilder("a: &a [1,1,1,1,1,1,1,1,1,1]\n");
        for (var level = 'b'; level <= 'g'; level++)
        {
            laughs.Append(CultureInfo.InvariantCulture, $"{level}: &{level} [{string.Join(',', Enumerable.Repeat("*" + (char)(level - 1), 10))}]\n");
        }

        var error = Assert.Throws<YamlException>(() => YamlDocumentReader.Read(laughs.ToString()));
        Assert.Contains($"{YamlDocumentReader.MaxNodes}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(YamlDocumentReader.MaxDepth, true)]
    [InlineData(YamlDocumentReader.MaxDepth + 1, false)]
    public void Nesting_is_read_up_to_the_depth_limit(int depth, bool readable)
    {
        var text = new string('[', depth) + new string(']', depth);

        var read = Record.Exception(() => YamlDocumentReader.Read(text));

        Assert.Equal(readable, read is null);
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", "duplicate key")]
    [InlineData("a: 1\n!!str a: 2\n", "duplicate key")]
    [InlineData("? [x]\n: 1\n", "mapping key")]
    [InlineData("a: &a [*a]\n", "recursive alias")]
    [InlineData("a: *missing\n", "no anchor")]
    public void Structures_json_cannot_hold_are_refused_with_a_reason(string text, string reason)
    {
        var error = Assert.Throws<YamlException>(() => YamlDocumentReader.Read(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_str_tag_keeps_a_plain_scalar_a_string()
    {
        Assert.Equal("""{"a":"123","b":123}""", YamlDocumentReader.Read("a: !!str 123\nb: 123\n")[0].ToJsonString());
    }

    private static readonly string s_characters = "abcXYZ019 -_.:#'\"\\/{}[],&*!|>%@`?\u00e9\u4e2d\n\t";

    private static JsonObject RandomObject(Random random, int depth)
    {
        var o = new JsonObject();
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            o[RandomString(random, 1)] = RandomValue(random, depth + 1);
        }

        return o;
    }

    private static JsonNode RandomValue(Random random, int depth) => random.Next(depth > 2 ? 3 : 5) switch
    {
        0 => JsonValue.Create(RandomString(random, 0)),
        1 => JsonValue.Create((long)random.Next(-1000, 1000)),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 => new JsonArray([.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, depth + 1))]),
        _ => RandomObject(random, depth),
    };

    private static string RandomString(Random random, int minLength)
    {
        var special = new[] { "true", "null", "~", "123", "-1", "1e3", "0x1F", "yes", "", " a", "a ", "- a", "#a", "a: b", "'", "\"" };
        return random.Next(4) == 0 && minLength == 0
            ? special[random.Next(special.Length)]
            : new string([.. Enumerable.Range(0, random.Next(minLength, 12)).Select(_ => s_characters[random.Next(s_characters.Length)])]);
    }

    private static string Json(string text) => JsonValue.Create(text)!.ToJsonString();
}
