using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller;

/// <summary>What a reconcile may know of its kind's work queue: whether other keys are waiting, and how to go to the back of it.</summary>
/// <param name="OthersWaiting">True when keys other than the one being reconciled wait in the queue of its kind.</param>
/// <param name="Again">Queues the key once more, behind what is already waiting (a key being reconciled is queued when it is done).</param>
internal sealed record QueueBacklog(Func<ResourceKey, bool> OthersWaiting, Action<ResourceKey> Again);
