using MtlsOperator.Engine.EndpointCheck;

namespace MtlsOperator.Cli.Check;

/// <summary>Everything one check found, for the table and the JSON writers.</summary>
internal sealed record CheckReport(string Url, EndpointTarget Target, EndpointObservation Seen, EndpointVerdict Verdict, LiveComparison? Live, int ExitCode);
