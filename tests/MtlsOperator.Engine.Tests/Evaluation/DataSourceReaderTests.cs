using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

public sealed class DataSourceReaderTests
{
    private static DataSourceResult Read(DataSource source, params k8s.IKubernetesObject<V1ObjectMeta>[] objects) =>
        DataSourceReader.Read(source, "spec.sources[0]", Namespace, Context(objects).Lookup);

    private static DataSource SecretKey(string name, string key, string? ns = null) => new() { Secret = new KeyReference { Name = name, Key = key, Namespace = ns } };

    private static DataSource ConfigMapKey(string name, string key, string? ns = null) => new() { ConfigMap = new KeyReference { Name = name, Key = key, Namespace = ns } };

    private static string Text(DataSourceResult result) => Encoding.UTF8.GetString(result.Bytes!);

    [Fact]
    public void Inline_text_is_read_as_utf8()
    {
        Assert.Equal("pem", Text(Read(new DataSource { Inline = "pem" })));
    }

    [Fact]
    public void Secret_data_key_is_read()
    {
        Assert.Equal("pem", Text(Read(SecretKey("s", "ca.crt"), Secret("s", "ca.crt", "pem"))));
    }

    [Fact]
    public void Secret_string_data_is_read()
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "s", NamespaceProperty = Namespace },
            StringData = new Dictionary<string, string> { ["ca.crt"] = "text" },
        };

        Assert.Equal("text", Text(Read(SecretKey("s", "ca.crt"), secret)));
    }

    [Fact]
    public void ConfigMap_data_key_is_read()
    {
        Assert.Equal("pem", Text(Read(ConfigMapKey("c", "ca.crt"), ConfigMap("c", "ca.crt", "pem"))));
    }

    [Fact]
    public void ConfigMap_binary_data_key_is_read()
    {
        var configMap = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "c", NamespaceProperty = Namespace },
            BinaryData = new Dictionary<string, byte[]> { ["ca.der"] = [0x30, 0x01] },
        };

        Assert.Equal([0x30, 0x01], Read(ConfigMapKey("c", "ca.der"), configMap).Bytes);
    }

    [Fact]
    public void Reference_to_another_namespace_is_refused_without_reading_it()
    {
        var elsewhere = Secret("s", "ca.crt", "pem");
        elsewhere.Metadata.NamespaceProperty = "team-b";

        var result = Read(SecretKey("s", "ca.crt", "team-b"), elsewhere);

        Assert.Null(result.Bytes);
        Assert.Equal(DataSourceReasons.CrossNamespaceReference, result.Reason);
        Assert.Contains("team-b/s", result.Message);
    }

    [Fact]
    public void Reference_naming_its_own_namespace_is_read()
    {
        Assert.Equal("pem", Text(Read(SecretKey("s", "ca.crt", Namespace), Secret("s", "ca.crt", "pem"))));
    }

    [Fact]
    public void Missing_object_is_not_found()
    {
        var result = Read(ConfigMapKey("absent", "ca.crt"));

        Assert.Equal(DataSourceReasons.SourceNotFound, result.Reason);
        Assert.Contains("ConfigMap team-a/absent, which does not exist", result.Message);
    }

    [Fact]
    public void Missing_key_is_not_found_and_the_existing_keys_are_named()
    {
        var result = Read(SecretKey("s", "ca.pem"), Secret("s", "ca.crt", "pem"));

        Assert.Equal(DataSourceReasons.SourceNotFound, result.Reason);
        Assert.Contains("(it has: ca.crt)", result.Message);
    }

    [Fact]
    public void Source_setting_two_kinds_is_invalid()
    {
        var result = Read(new DataSource { Inline = "x", Secret = new KeyReference { Name = "s", Key = "k" } });

        Assert.Equal(DataSourceReasons.InvalidSource, result.Reason);
    }
}
