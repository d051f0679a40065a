using System.Globalization;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Tests.Sidecar;

/// <summary>
/// kubelet's Secret volume, emulated: reads the Secret through the real client (as kubelet's Secret manager does) every
/// <c>syncPeriod</c> and projects each new content into a directory exactly as kubelet's atomic writer
/// (pkg/volume/util/atomic_writer.go) does: write the payload into a new hidden timestamped directory
/// <c>..2026_12_01_10_00_00.123456789</c>, create <c>..data_tmp</c> pointing at it and rename it over <c>..data</c> (the
/// atomic step), then add a visible symlink <c>key -&gt; ..data/key</c> for each new key, remove the visible links of keys
/// that are gone, and delete the previous timestamped directory.
/// </summary>
internal sealed class KubeletSecretVolume : IAsyncDisposable
{
    private const string DataLink = "..data";
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _projections;

    public KubeletSecretVolume(Kubernetes client, string ns, string name, string directory, TimeSpan syncPeriod)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        _loop = Task.Run(() => SyncAsync(client, ns, name, syncPeriod));
    }

    public string Directory { get; }

    /// <summary>While true, no sync happens: the window (about a minute in a cluster) in which the Secret changed and the pod's
    /// volume does not show it yet.</summary>
    public bool Paused { get; set; }

    /// <summary>How many versions were projected (the first included).</summary>
    public int Projections => Volatile.Read(ref _projections);

    /// <summary>The content hash of the version <c>..data</c> names now, or null before the first projection.</summary>
    public string? ProjectedHash { get; private set; }

    /// <summary>One atomic-writer pass; false when the payload equals what is projected (kubelet writes nothing then).</summary>
    public static bool Project(string directory, IDictionary<string, byte[]> payload, DateTime now)
    {
        var dataLink = Path.Combine(directory, DataLink);
        var oldTarget = new FileInfo(dataLink).LinkTarget;
        if (oldTarget is not null && SameContent(Path.Combine(directory, oldTarget), payload))
        {
            return false;
        }

        var timestamped = ".." + now.ToString("yyyy_MM_dd_HH_mm_ss", CultureInfo.InvariantCulture) + "." + Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        var timestampedPath = Path.Combine(directory, timestamped);
        System.IO.Directory.CreateDirectory(timestampedPath);
        foreach (var (key, value) in payload)
        {
            File.WriteAllBytes(Path.Combine(timestampedPath, key), value);
        }

        var temporary = Path.Combine(directory, "..data_tmp");
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, timestamped);
        Rename(temporary, dataLink);

        foreach (var key in payload.Keys)
        {
            var visible = Path.Combine(directory, key);
            if (new FileInfo(visible).LinkTarget is null)
            {
                File.CreateSymbolicLink(visible, Path.Combine(DataLink, key));
            }
        }

        foreach (var stale in System.IO.Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Where(n => !n!.StartsWith('.') && !payload.ContainsKey(n)))
        {
            File.Delete(Path.Combine(directory, stale!));
        }

        if (oldTarget is not null)
        {
            System.IO.Directory.Delete(Path.Combine(directory, oldTarget), recursive: true);
        }

        return true;
    }

    private async Task SyncAsync(Kubernetes client, string ns, string name, TimeSpan syncPeriod)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (Paused)
                {
                    await Task.Delay(syncPeriod, _stop.Token);
                    continue;
                }

                var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: _stop.Token);
                var payload = secret.Data ?? new Dictionary<string, byte[]>();
                if (payload.Count > 0 && Project(Directory, payload, DateTime.UtcNow))
                {
                    ProjectedHash = OutputContentHash.Of(payload);
                    Interlocked.Increment(ref _projections);
                }
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Not written yet: kubelet keeps the pod in ContainerCreating; here the volume simply stays empty.
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(syncPeriod, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static bool SameContent(string projected, IDictionary<string, byte[]> payload) =>
        System.IO.Directory.Exists(projected)
        && System.IO.Directory.EnumerateFiles(projected).Count() == payload.Count
        && payload.All(p => File.Exists(Path.Combine(projected, p.Key)) && File.ReadAllBytes(Path.Combine(projected, p.Key)).AsSpan().SequenceEqual(p.Value));

    /// <summary>rename(2) of a symlink over a symlink. File.Move follows a link to a directory and refuses it, so through mv -T.</summary>
    private static void Rename(string from, string to)
    {
        using var mv = System.Diagnostics.Process.Start("mv", ["-T", from, to]);
        mv.WaitForExit();
        if (mv.ExitCode != 0)
        {
            throw new IOException($"mv -T {from} {to} failed ({mv.ExitCode})");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
