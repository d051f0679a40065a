using System.Text;
using k8s.Models;
using MtlsOperator.Cli;

namespace MtlsOperator.Tests.Cli;

/// <summary><c>render --out</c> writes inside its folder only, never through a symlink, and keeps keys private.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OutputFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mtls-out-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static V1Secret Secret(string ns, string name, params (string Key, string Value)[] data) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Data = data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)),
    };

    [Fact]
    public void Key_files_are_written_0600_and_the_others_0644()
    {
        var errors = OutputFolder.Write([Secret("ns", "s", ("tls.key", "k"), ("tls.crt", "c"))], _dir);

        Assert.Empty(errors);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(_dir, "ns", "s", "tls.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(Path.Join(_dir, "ns", "s", "tls.crt")));
    }

    [Fact]
    public void A_key_file_that_was_world_readable_becomes_0600_when_rewritten()
    {
        Directory.CreateDirectory(Path.Join(_dir, "ns", "s"));
        File.WriteAllText(Path.Join(_dir, "ns", "s", "tls.key"), "old");
        File.SetUnixFileMode(Path.Join(_dir, "ns", "s", "tls.key"), (UnixFileMode)0b110_100_100);

        OutputFolder.Write([Secret("ns", "s", ("tls.key", "new"))], _dir);

        Assert.Equal("new", File.ReadAllText(Path.Join(_dir, "ns", "s", "tls.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(_dir, "ns", "s", "tls.key")));
    }

    [Fact]
    public void A_symlink_at_a_file_place_is_replaced_and_its_target_left_alone()
    {
        var victim = Path.Join(_dir, "victim");
        File.WriteAllText(victim, "precious");
        Directory.CreateDirectory(Path.Join(_dir, "out", "ns", "s"));
        File.CreateSymbolicLink(Path.Join(_dir, "out", "ns", "s", "tls.key"), victim);

        var errors = OutputFolder.Write([Secret("ns", "s", ("tls.key", "key"))], Path.Join(_dir, "out"));

        Assert.Empty(errors);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Null(new FileInfo(Path.Join(_dir, "out", "ns", "s", "tls.key")).LinkTarget);
    }

    [Fact]
    public void A_symlinked_namespace_folder_is_refused_and_nothing_is_written_through_it()
    {
        var elsewhere = Directory.CreateDirectory(Path.Join(_dir, "elsewhere")).FullName;
        Directory.CreateDirectory(Path.Join(_dir, "out"));
        Directory.CreateSymbolicLink(Path.Join(_dir, "out", "ns"), elsewhere);

        var errors = OutputFolder.Write([Secret("ns", "s", ("tls.key", "key"))], Path.Join(_dir, "out"));

        Assert.Contains(errors, e => e.Contains("is a symlink", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
    }

    [Theory]
    [InlineData("..", "s")]
    [InlineData("ns", "../../escape")]
    [InlineData("ns", "/tmp/abs")]
    [InlineData("ns/../..", "s")]
    [InlineData("NS", "s")]
    public void A_namespace_or_name_that_is_not_a_Kubernetes_name_is_not_written(string ns, string name)
    {
        var errors = OutputFolder.Write([Secret(ns, name, ("tls.key", "key"))], Path.Join(_dir, "out"));

        Assert.Single(errors);
        Assert.Contains("is not a valid Kubernetes", errors[0], StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_dir, "*", SearchOption.AllDirectories), p => !p.EndsWith("/out", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("../tls.key")]
    public void A_data_key_that_is_not_a_Secret_key_is_not_written(string key)
    {
        var errors = OutputFolder.Write([Secret("ns", "s", (key, "x"))], Path.Join(_dir, "out"));

        Assert.Single(errors);
        Assert.Empty(Directory.GetFiles(_dir, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void An_out_path_that_is_a_file_is_one_error_line()
    {
        File.WriteAllText(Path.Join(_dir, "file"), "");

        var errors = OutputFolder.Write([Secret("ns", "s", ("tls.key", "key"))], Path.Join(_dir, "file"));

        Assert.Single(errors);
        Assert.DoesNotContain('\n', errors[0]);
    }
}
