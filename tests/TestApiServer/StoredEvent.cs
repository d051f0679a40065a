using System.Text.Json;

namespace TestApiServer;

/// <summary>One committed change, kept in the history window so watches can resume from a resourceVersion.</summary>
/// <param name="Type">ADDED, MODIFIED or DELETED.</param>
/// <param name="Object">The object after the change (for DELETED: its last state, carrying the deletion's resourceVersion).</param>
/// <param name="Previous">The object before the change, so selector watches can turn a MODIFIED into ADDED or DELETED.</param>
internal sealed record StoredEvent(long Revision, string Type, ApiResource Resource, string Namespace, JsonElement Object, JsonElement? Previous);
