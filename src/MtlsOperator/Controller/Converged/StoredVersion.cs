using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller.Converged;

/// <summary>An object as a write left it on the server, or as the server was found to hold it already when the cache was behind: the
/// version the next read of it will carry.</summary>
/// <param name="Written">False when nothing was written: a write was refused as stale (409) and the server's object was already the
/// desired one. The version still counts: the reconcile read an older one.</param>
internal readonly record struct StoredVersion(ResourceKey Key, string? Uid, string? ResourceVersion, bool Written = true);
