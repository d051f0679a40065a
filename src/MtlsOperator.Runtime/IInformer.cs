namespace MtlsOperator.Runtime;

/// <summary>The kind-independent face of an informer, for hosts that start and stop many.</summary>
public interface IInformer
{
    /// <summary>The watched kind.</summary>
    string Kind { get; }

    /// <summary>True once the initial list of every watched namespace is in the cache.</summary>
    bool HasSynced { get; }

    /// <summary>Lists and watches until cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Completes once <see cref="HasSynced"/> is true.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken);
}
