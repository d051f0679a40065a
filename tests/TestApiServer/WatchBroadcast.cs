namespace TestApiServer;

/// <summary>A signal to the watches open right now: each trigger cancels the current token and starts a fresh one for later watches.</summary>
internal sealed class WatchBroadcast : IDisposable
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _current = new();

    public CancellationToken Token
    {
        get
        {
            lock (_gate)
            {
                return _current.Token;
            }
        }
    }

    public void Trigger()
    {
        CancellationTokenSource fired;
        lock (_gate)
        {
            fired = _current;
            _current = new CancellationTokenSource();
        }

        // Not disposed: streams that read the token just before the swap may still link to it.
        fired.Cancel();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current.Dispose();
        }
    }
}
