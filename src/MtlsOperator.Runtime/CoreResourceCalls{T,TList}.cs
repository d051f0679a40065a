using k8s;

namespace MtlsOperator.Runtime;

/// <summary>The three kind-specific calls behind a <see cref="CoreResourceClient{T, TList}"/>.</summary>
public sealed record CoreResourceCalls<T, TList>(
    Func<string?, ResourceSelector, int?, string?, CancellationToken, Task<TList>> List,
    Func<string?, ResourceSelector, string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> Watch,
    Func<ObjectKey, CancellationToken, Task<T>> Read);
