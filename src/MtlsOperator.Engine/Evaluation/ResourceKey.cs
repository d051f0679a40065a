namespace MtlsOperator.Engine.Evaluation;

/// <summary>Identifies one object: kind (<c>Secret</c>, <c>ConfigMap</c> or one of ours), namespace and name.</summary>
public sealed record ResourceKey(string Kind, string Namespace, string Name)
{
    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}
