using System.Diagnostics;
using System.Text;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>A proxy the test owns: started as its child, its output captured for failure messages, killed by PID and waited on.</summary>
public abstract class ProxyProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(10);
    private readonly StringBuilder _log = new();
    private readonly Process _process;

    protected ProxyProcess(string executable, IEnumerable<string> arguments, int port)
    {
        Port = port;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the proxy printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the proxy and waits (bounded) until it accepts connections; false when it exited or never listened.</summary>
    public async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return await FreePort.WaitUntilListeningAsync(Port, s_startTimeout, () => _process.HasExited, cancellationToken);
    }

    /// <summary>Asks for a graceful reload and waits (bounded) until the proxy reports the new configuration loaded.</summary>
    public abstract Task ReloadAsync(CancellationToken cancellationToken);

    /// <summary>Lines of the log containing <paramref name="marker"/>.</summary>
    protected int CountInLog(string marker)
    {
        var log = Log;
        var count = 0;
        for (var i = log.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = log.IndexOf(marker, i + marker.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Polls the log until <paramref name="success"/> appears more often than <paramref name="before"/> times; throws with the log on
    /// <paramref name="failure"/>, on exit or after the timeout.</summary>
    protected async Task WaitForLogAsync(string success, int before, string failure, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + s_startTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (CountInLog(success) > before)
            {
                return;
            }

            if (Log.Contains(failure, StringComparison.Ordinal) || _process.HasExited)
            {
                break;
            }

            await Task.Delay(10, cancellationToken);
        }

        throw new InvalidOperationException($"{GetType().Name} did not report '{success}' after a reload. Log:\n{Log}");
    }

    /// <summary>Sends a signal by PID through the system <c>kill</c> command (no native interop needed).</summary>
    protected static async Task SignalAsync(int pid, string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            _process.Dispose();
            await CleanUpAsync();
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Removes files the proxy left outside its mount.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Append(line).Append('\n');
        }
    }
}
