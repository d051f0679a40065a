namespace MtlsOperator.Engine.Api;

/// <summary>The spec and status of one of the operator's resources, whatever its kind, for code that reads every kind alike.</summary>
public interface IOperatorResource
{
    /// <summary>The spec as deserialized; null when the manifest said <c>spec: null</c>.</summary>
    object? SpecValue { get; }

    /// <summary>The status as deserialized; null before the operator first wrote one.</summary>
    object? StatusValue { get; }
}
