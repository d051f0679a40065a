using System.Text.Json.Nodes;

namespace TestApiServer;

/// <summary>What a write does to the stored object, decided under the store lock from the current state.</summary>
internal abstract record WriteDecision
{
    /// <summary>Store this object (create or replace); it gets the next resourceVersion.</summary>
    public sealed record Put(JsonObject Object) : WriteDecision;

    /// <summary>Remove the object; watchers see this last state with the deletion's resourceVersion.</summary>
    public sealed record Remove(JsonObject LastState) : WriteDecision;

    /// <summary>Nothing changes: no new resourceVersion and no watch event, like an identical update on the real server.</summary>
    public sealed record Keep(JsonObject Object) : WriteDecision;
}

/// <summary>How a committed write ended, and the object to answer with.</summary>
internal sealed record WriteResult(JsonObject Object, WriteOutcome Outcome);

/// <summary>Kinds of committed write.</summary>
internal enum WriteOutcome
{
    Created,
    Updated,
    Unchanged,
    Removed,
}
