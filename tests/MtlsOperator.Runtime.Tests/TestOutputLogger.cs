using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MtlsOperator.Runtime.Tests;

/// <summary>Sends runtime logs to the test's output, so a failing test shows what the informer or controller did.</summary>
internal sealed class TestOutputLogger(ITestOutputHelper output) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; late background logs have nowhere to go.
        }
    }
}
