using System.Globalization;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Small pieces of status-message English shared by the evaluators.</summary>
internal static class Wording
{
    /// <summary>"1 pin", "3 pins".</summary>
    public static string Count(int n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";
}
