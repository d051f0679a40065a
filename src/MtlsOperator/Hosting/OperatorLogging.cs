using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MtlsOperator.Hosting;

/// <summary>The operator's logs: one JSON object per line on stdout, with a UTC timestamp, the level, and the trace and span ids of the reconcile that wrote it.</summary>
internal static class OperatorLogging
{
    /// <summary>Names accepted by <c>--log-level</c>, lower case, mapped to the levels they enable.</summary>
    public static readonly IReadOnlyDictionary<string, LogLevel> Levels = new Dictionary<string, LogLevel>(StringComparer.OrdinalIgnoreCase)
    {
        ["trace"] = LogLevel.Trace,
        ["debug"] = LogLevel.Debug,
        ["info"] = LogLevel.Information,
        ["information"] = LogLevel.Information,
        ["warning"] = LogLevel.Warning,
        ["error"] = LogLevel.Error,
    };

    public static ILoggerFactory Create(LogLevel minimum) => LoggerFactory.Create(b => b
        // The JSON formatter writes no timestamp unless given a format; scopes carry the trace context.
        .AddJsonConsole(j =>
        {
            j.UseUtcTimestamp = true;
            j.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            j.IncludeScopes = true;
        })
        .Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId)
        .SetMinimumLevel(minimum));
}
