namespace MtlsOperator.Runtime;

/// <summary>
/// Runs an informer only once others have synced. For a filtered cache whose filter reads what those others hold (which
/// Secrets the custom resources reference): its first list then keeps everything it will be asked for, instead of dropping
/// it and leaving each object to be read back from the server one GET at a time.
/// </summary>
public sealed class InformerAfter(IInformer informer, IReadOnlyList<IInformer> first) : IInformer
{
    public string Kind => informer.Kind;

    public bool HasSynced => informer.HasSynced;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(first.Select(i => i.WaitForSyncAsync(cancellationToken))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        await informer.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => informer.WaitForSyncAsync(cancellationToken);
}
