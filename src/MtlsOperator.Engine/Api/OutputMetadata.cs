namespace MtlsOperator.Engine.Api;

/// <summary>Labels and annotations the operator stamps on every object it writes, and reads back to know what it owns.</summary>
public static class OutputMetadata
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "mtls-operator";

    /// <summary>Kind of the custom resource the object was rendered for.</summary>
    public const string OwnerKindLabel = "mtls-operator.io/owner-kind";

    /// <summary>Name of the custom resource the object was rendered for.</summary>
    public const string OwnerNameLabel = "mtls-operator.io/owner-name";

    /// <summary>The owner's <c>metadata.generation</c> that produced this content.</summary>
    public const string GenerationAnnotation = "mtls-operator.io/generation";
}
