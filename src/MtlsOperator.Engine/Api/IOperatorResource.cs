namespace MtlsOperator.Engine.Api;

/// <summary>The spec of one of the operator's resources, whatever its type, for checks that read every kind alike.</summary>
public interface ICustomResourceSpec
{
    /// <summary>The spec as deserialized; null when the manifest said <c>spec: null</c>.</summary>
    object? SpecValue { get; }
}
