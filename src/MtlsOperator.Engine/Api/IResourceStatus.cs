using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>What every kind's status has: the generation it describes and its KEP-1623 conditions.</summary>
public interface IResourceStatus
{
    long? ObservedGeneration { get; set; }

    List<V1Condition> Conditions { get; set; }
}
