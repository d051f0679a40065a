namespace MtlsOperator.Engine.Api;

/// <summary>A CEL rule rendered into the CRD as <c>x-kubernetes-validations</c>, so the API server rejects bad input at apply time.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class ValidationRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;
}
