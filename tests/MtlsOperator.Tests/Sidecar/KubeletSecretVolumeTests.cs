using System.Text;
using MtlsOperator.Sidecar;

namespace MtlsOperator.Tests.Sidecar;

/// <summary>The kubelet emulation lays a Secret volume out as kubelet's atomic writer does, and the sidecar reads one version from it.</summary>
public sealed class KubeletSecretVolumeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mtls-kubelet-").FullName;

    [Fact]
    public void Each_version_is_a_timestamped_directory_published_by_the_data_link_with_visible_links_and_no_stale_files()
    {
        KubeletSecretVolume.Project(_directory, Payload(("tls.crt", "one"), ("old.key", "gone soon")), new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc));
        var firstVersion = new DirectoryInfo(Path.Combine(_directory, "..data")).LinkTarget!;

        var changed = KubeletSecretVolume.Project(_directory, Payload(("tls.crt", "two"), ("ca.crl", "new")), new DateTime(2026, 12, 1, 10, 1, 0, DateTimeKind.Utc));

        Assert.True(changed);
        var version = new DirectoryInfo(Path.Combine(_directory, "..data")).LinkTarget!;
        Assert.Matches(@"^\.\.2026_12_01_10_01_00\.\d{9}$", version);
        Assert.False(Directory.Exists(Path.Combine(_directory, firstVersion)), "the previous version is deleted");
        Assert.Equal(["ca.crl", "tls.crt"], Directory.EnumerateFileSystemEntries(_directory).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order());
        Assert.Equal(Path.Combine("..data", "tls.crt"), new FileInfo(Path.Combine(_directory, "tls.crt")).LinkTarget);
        Assert.Equal("two", File.ReadAllText(Path.Combine(_directory, "tls.crt")));
    }

    [Fact]
    public void The_same_payload_again_writes_nothing()
    {
        var payload = Payload(("tls.crt", "one"));
        KubeletSecretVolume.Project(_directory, payload, DateTime.UtcNow);
        var version = new DirectoryInfo(Path.Combine(_directory, "..data")).LinkTarget;

        Assert.False(KubeletSecretVolume.Project(_directory, payload, DateTime.UtcNow));
        Assert.Equal(version, new DirectoryInfo(Path.Combine(_directory, "..data")).LinkTarget);
    }

    [Fact]
    public void The_sidecar_reads_exactly_the_keys_and_bytes_of_the_published_version()
    {
        KubeletSecretVolume.Project(_directory, Payload(("tls.crt", "one"), ("tls.key", "k1")), DateTime.UtcNow);
        KubeletSecretVolume.Project(_directory, Payload(("tls.crt", "two"), ("haproxy.cfg", "cfg")), DateTime.UtcNow);

        var read = MountReader.TryRead(_directory)!;

        Assert.Equal(["haproxy.cfg", "tls.crt"], read.Files.Keys.Order());
        Assert.Equal("two", Encoding.UTF8.GetString(read.Files["tls.crt"]));
        Assert.Equal(Engine.Serving.OutputContentHash.Of(Payload(("tls.crt", "two"), ("haproxy.cfg", "cfg"))), read.Hash);
    }

    private static Dictionary<string, byte[]> Payload(params (string Key, string Value)[] files) =>
        files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
