using MtlsOperator.Runtime;

namespace MtlsOperator.Runtime.Tests.Informers;

/// <summary>Runs an informer for the length of a test and stops it, within a bound, when disposed.</summary>
internal sealed class RunningInformer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private RunningInformer(IInformer informer) => _run = informer.RunAsync(_stop.Token);

    public static async Task<RunningInformer> StartSyncedAsync(IInformer informer)
    {
        var running = new RunningInformer(informer);
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Eventually.DefaultTimeout);
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(Eventually.DefaultTimeout);
        _stop.Dispose();
    }
}
