using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>An admitted client requesting back to back, each on a new TLS connection, recording every request that was not
/// admitted: what must stay empty across a graceful reload.</summary>
public sealed class SteadyTraffic : IAsyncDisposable
{
    private static readonly TimeSpan s_progressTimeout = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _count;

    private SteadyTraffic(Func<Task<ProbeResult>> request) => _loop = Task.Run(() => RunAsync(request));

    public ConcurrentQueue<ProbeResult> Failures { get; } = new();

    public int Count => Volatile.Read(ref _count);

    /// <summary>Starts the client and returns once a few requests went through.</summary>
    public static Task<SteadyTraffic> StartAsync(RunningListener listener, X509Certificate2 client) => StartAsync(() => listener.GetAsync(client));

    /// <summary>Starts repeating <paramref name="request"/> (one admitted request on a new connection) and returns once a few went through.</summary>
    public static async Task<SteadyTraffic> StartAsync(Func<Task<ProbeResult>> request)
    {
        var traffic = new SteadyTraffic(request);
        await traffic.WaitForMoreAsync(3);
        return traffic;
    }

    /// <summary>Waits (bounded) until <paramref name="requests"/> more requests completed.</summary>
    public async Task WaitForMoreAsync(int requests)
    {
        var target = Count + requests;
        var deadline = DateTime.UtcNow + s_progressTimeout;
        while (Count < target)
        {
            if (DateTime.UtcNow > deadline || _loop.IsCompleted)
            {
                throw new TimeoutException($"steady traffic stalled at {Count} requests (wanted {target}); failures: {string.Join("; ", Failures)}");
            }

            await Task.Delay(5);
        }
    }

    private async Task RunAsync(Func<Task<ProbeResult>> request)
    {
        while (!_stop.IsCancellationRequested)
        {
            var result = await request();
            if (!result.IsAdmitted)
            {
                Failures.Enqueue(result);
            }

            Interlocked.Increment(ref _count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
