using System.Threading.Channels;

namespace MtlsOperator.Sidecar;

/// <summary>Signals that the mount may have changed: on any file-system event in the mount directory (kubelet's <c>..data</c>
/// rename is one), and every <see cref="SupervisorOptions.RecheckInterval"/> as a backstop for a missed or coalesced event.</summary>
internal sealed class MountWatch : IDisposable
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _timer;

    public MountWatch(string mount, TimeSpan recheck)
    {
        if (Directory.Exists(mount))
        {
            _watcher = new FileSystemWatcher(mount)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Created += (_, _) => Signal();
            _watcher.Changed += (_, _) => Signal();
            _watcher.Deleted += (_, _) => Signal();
            _watcher.Renamed += (_, _) => Signal();
            _watcher.Error += (_, _) => Signal();
            _watcher.EnableRaisingEvents = true;
        }

        _timer = new Timer(_ => Signal(), null, recheck, recheck);
    }

    /// <summary>Waits for the next signal; bursts (kubelet writes a directory, a link, then renames it) arrive as one.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _signals.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        _signals.Reader.TryRead(out _);
    }

    public void Signal() => _signals.Writer.TryWrite(true);

    public void Dispose()
    {
        _watcher?.Dispose();
        _timer.Dispose();
    }
}
