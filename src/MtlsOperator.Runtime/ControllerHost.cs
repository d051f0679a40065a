using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtlsOperator.Runtime;

/// <summary>
/// Runs a set of informers and the controllers that read them: controllers start once every cache has synced;
/// on cancellation the controllers drain first, then the informers stop.
/// </summary>
public sealed partial class ControllerHost(IReadOnlyList<IInformer> informers, IReadOnlyList<Controller> controllers, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled and everything has stopped.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stopInformers = new CancellationTokenSource();
        var running = informers.Select(i => Task.Run(() => i.RunAsync(stopInformers.Token), CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                // A local, not an argument: CA1873 does not see this guard around a generated log method (dotnet/sdk#50893).
                var kinds = string.Join(", ", informers.Select(i => i.Kind));
                LogCachesSynced(_logger, kinds);
            }

            await Task.WhenAll(controllers.Select(c => c.RunAsync(cancellationToken))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled before the caches synced: nothing was reconciling.
        }
        finally
        {
            await stopInformers.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
            LogStopped(_logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Caches synced ({Kinds}); starting controllers")]
    private static partial void LogCachesSynced(ILogger logger, string kinds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Controllers and informers stopped")]
    private static partial void LogStopped(ILogger logger);
}
