namespace MtlsOperator.Engine.Api;

/// <summary>Condition types shared by all kinds.</summary>
public static class ConditionTypes
{
    /// <summary>Top-level health that kstatus, Flux and Argo CD read.</summary>
    public const string Ready = "Ready";
}
