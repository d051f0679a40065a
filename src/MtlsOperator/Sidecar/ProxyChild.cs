using System.Diagnostics;
using System.Text;

namespace MtlsOperator.Sidecar;

/// <summary>A proxy process the sidecar started: its output is forwarded to the sidecar's own stderr (the container log)
/// and kept for the supervisor to wait on the proxy's own messages (loaded, failed).</summary>
internal sealed class ProxyChild : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TextWriter _log;
    private long _dropped;

    private ProxyChild(Process process, TextWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Pid => _process.Id;

    /// <summary>Read by the status endpoint while the supervisor may be disposing this child: a disposed process has exited.</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    public static ProxyChild Start(string executable, IEnumerable<string> arguments, TextWriter log)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var child = new ProxyChild(new Process { StartInfo = start }, log);
        child._process.OutputDataReceived += (_, e) => child.Append(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>How many lines the proxy printed so far: a mark to wait from.</summary>
    public int Mark
    {
        get
        {
            lock (_lines)
            {
                return (int)(_dropped + _lines.Count);
            }
        }
    }

    /// <summary>Waits for a line after <paramref name="mark"/> containing <paramref name="success"/> (true) or one of
    /// <paramref name="failures"/> (false, with the lines printed since the mark), for the proxy to exit, or the timeout.</summary>
    public async Task<(bool Ok, string Output)> WaitForAsync(int mark, string success, IReadOnlyList<string> failures, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string[] since;
            lock (_lines)
            {
                since = Since(mark);
            }

            if (since.Any(l => l.Contains(success, StringComparison.Ordinal)))
            {
                return (true, string.Join('\n', since));
            }

            if (since.Any(l => failures.Any(f => l.Contains(f, StringComparison.Ordinal))) || _process.HasExited || DateTime.UtcNow > deadline)
            {
                // Give the proxy a moment to print the rest of its explanation.
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                lock (_lines)
                {
                    since = Since(mark);
                }

                var why = _process.HasExited ? $" (exited with {_process.ExitCode})" : DateTime.UtcNow > deadline ? " (no answer in time)" : "";
                return (false, string.Join('\n', since) + why);
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Signal(int signal) => PosixSignals.Send(_process.Id, signal);

    /// <summary>Waits for exit; false when <paramref name="timeout"/> passed first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private string[] Since(int mark) => _lines.Skip((int)Math.Max(0, mark - _dropped)).ToArray();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
            // Bounded: a long-running proxy logs every request; only recent lines matter for a reload's outcome.
            if (_lines.Count > 20_000)
            {
                _lines.RemoveRange(0, 10_000);
                _dropped += 10_000;
            }
        }

        lock (_log)
        {
            _log.WriteLine(line);
        }
    }
}
