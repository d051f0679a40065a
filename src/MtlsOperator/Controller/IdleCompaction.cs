using System.Runtime;

namespace MtlsOperator.Controller;

/// <summary>
/// Gives the memory of a burst of work (a cold start, a restart's relist, a resync, a fan-out) back to the system once the
/// operator is idle again: one full, compacting collection that also releases the GC's free space.
/// </summary>
/// <remarks>An idle controller allocates almost nothing, so the GC would not run again for a long time: the burst's garbage, the
/// space its collections left between the cached objects that survived, and the allocation budget it grew would stay resident
/// until the next burst. The caches are what must stay; the rest goes. At most one collection per burst of
/// <see cref="MinimumReconciles"/> reconciles or more, and only after <see cref="QuietPolls"/> polls in a row found the operator idle,
/// so a trickle of changes never pays for it. <paramref name="release"/> runs first: what the caches hold for sharing alone and no
/// cached object needs any more (the names of deleted objects) goes with the rest.</remarks>
internal sealed class IdleCompaction(Func<bool> isIdle, Func<long> reconciles, Action release, TimeProvider time)
{
    /// <summary>Work worth compacting after: smaller bursts leave little behind.</summary>
    public const int MinimumReconciles = 500;

    public const int QuietPolls = 2;

    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <summary>Collections run, for tests and logs.</summary>
    public int Compactions { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Poll, time);
        var compactedAt = 0L;
        var quiet = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                quiet = isIdle() ? quiet + 1 : 0;
                var done = reconciles();
                if (quiet >= QuietPolls && done - compactedAt >= MinimumReconciles)
                {
                    compactedAt = done;
                    Compact();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The term ended.
        }
    }

    private void Compact()
    {
        release();
        // Aggressive: compacts every generation, the large object heap included, and decommits what is free.
        // The finalizers in between free what certificates and keys left to them hold natively (OpenSSL objects), and the second
        // collection takes the objects they finalized.
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // What the disposed and finalized OpenSSL objects freed is in the C heap, which free() does not hand back below its top.
        NativeHeap.Trim();
        Compactions++;
    }
}
