using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtlsOperator.Runtime;

/// <summary>
/// Runs work only while this process holds a Lease (<see cref="LeaderElector"/> over <see cref="LeaseLock"/>).
/// Each term of leadership gets its own token, cancelled when leadership is lost; the work must then stop
/// completely (build informers and controllers inside it, per term). After a term it contends again.
/// </summary>
public sealed partial class LeaseElection(IKubernetes client, LeaseElectionOptions options, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private volatile bool _leading;

    /// <summary>True while a term of leadership is running.</summary>
    public bool IsLeader => _leading;

    /// <summary>Terms of leadership started so far.</summary>
    public int Terms { get; private set; }

    /// <summary>Contends for the Lease until <paramref name="cancellationToken"/> is cancelled, running <paramref name="whileLeading"/> in each term.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunTermAsync(whileLeading, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogElectionFailed(_logger, options.Namespace, options.LeaseName, e.Message);
            }

            // Pause before contending again, so work that keeps ending at once does not spin.
            try
            {
                await Task.Delay(options.RetryPeriod, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunTermAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        var leaseLock = new LeaseLock(client, options.Namespace, options.LeaseName, options.Identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        using var contending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);

        elector.OnStartedLeading += () =>
        {
            _leading = true;
            Terms++;
            LogLeading(_logger, options.Identity, options.Namespace, options.LeaseName);
            var running = Task.Run(() => whileLeading(term.Token), CancellationToken.None);

            // Work that ends by itself must not keep the lease: stop renewing so a standby takes over.
            running.ContinueWith(_ => contending.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            work.TrySetResult(running);
        };
        elector.OnStoppedLeading += () =>
        {
            _leading = false;
            term.Cancel();
        };
        elector.OnError += e => LogElectorError(_logger, options.Namespace, options.LeaseName, e.Message);

        try
        {
            await elector.RunUntilLeadershipLostAsync(contending.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (contending.IsCancellationRequested)
        {
        }

        _leading = false;
        await term.CancelAsync().ConfigureAwait(false);
        if (!work.Task.IsCompleted)
        {
            return;
        }

        await StopWorkAsync(await work.Task.ConfigureAwait(false)).ConfigureAwait(false);
        if (options.ReleaseOnStop && contending.IsCancellationRequested)
        {
            await ReleaseAsync(leaseLock).ConfigureAwait(false);
        }

        LogStoppedLeading(_logger, options.Identity, options.Namespace, options.LeaseName);
    }

    private async Task StopWorkAsync(Task running)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            LogWorkFailed(_logger, e, options.Namespace, options.LeaseName);
        }
    }

    // Only the holder releases, and the replace carries the resourceVersion just read, so a lease taken over
    // meanwhile is never cleared.
    private async Task ReleaseAsync(LeaseLock leaseLock)
    {
        using var timeout = new CancellationTokenSource(options.RenewDeadline);
        try
        {
            var record = await leaseLock.GetAsync(timeout.Token).ConfigureAwait(false);
            if (record?.HolderIdentity != options.Identity)
            {
                return;
            }

            record.HolderIdentity = "";
            record.LeaseDurationSeconds = 1;
            record.RenewTime = DateTime.UtcNow;
            await leaseLock.UpdateAsync(record, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogReleaseFailed(_logger, options.Namespace, options.LeaseName, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election on {Namespace}/{Lease} failed: {Error}")]
    private static partial void LogElectionFailed(ILogger logger, string @namespace, string lease, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} leads {Namespace}/{Lease}")]
    private static partial void LogLeading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election on {Namespace}/{Lease}: {Error}")]
    private static partial void LogElectorError(ILogger logger, string @namespace, string lease, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} stopped leading {Namespace}/{Lease}")]
    private static partial void LogStoppedLeading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Error, Message = "Work under leadership of {Namespace}/{Lease} failed")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release {Namespace}/{Lease}: {Error}")]
    private static partial void LogReleaseFailed(ILogger logger, string @namespace, string lease, string error);
}
