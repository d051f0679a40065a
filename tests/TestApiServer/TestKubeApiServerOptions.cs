namespace TestApiServer;

/// <summary>Settings fixed when a <see cref="TestKubeApiServer"/> starts.</summary>
public sealed record TestKubeApiServerOptions
{
    /// <summary>How often a watch that asked for bookmarks gets one (the real server: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many past events are kept for watch resumption; older resourceVersions get 410 Gone.</summary>
    public int HistoryLimit { get; init; } = 10_000;

    /// <summary>Clock for creationTimestamp and deletionTimestamp.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Custom resources served from the start, in addition to the built-ins (more can be registered later).</summary>
    public IReadOnlyList<ApiResource> CustomResources { get; init; } = [];
}
