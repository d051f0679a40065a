namespace TestApiServer;

/// <summary>Every request the server answered, so a test can assert exactly what a reconcile did ("zero writes since the mark").</summary>
public sealed class RequestJournal
{
    private readonly Lock _gate = new();
    private readonly List<ApiRequestRecord> _records = [];
    private long _sequence;

    /// <summary>A position in the journal; pass it to <see cref="Since"/> or <see cref="WritesSince"/>.</summary>
    public long Mark()
    {
        lock (_gate)
        {
            return _sequence;
        }
    }

    /// <summary>All requests so far, in arrival order.</summary>
    public IReadOnlyList<ApiRequestRecord> All
    {
        get
        {
            lock (_gate)
            {
                return _records.OrderBy(record => record.Sequence).ToList();
            }
        }
    }

    /// <summary>Requests that arrived after the mark.</summary>
    public IReadOnlyList<ApiRequestRecord> Since(long mark)
    {
        lock (_gate)
        {
            return _records.Where(record => record.Sequence > mark).OrderBy(record => record.Sequence).ToList();
        }
    }

    /// <summary>Write requests (create/update/patch/delete/deletecollection) after the mark, failed ones included.</summary>
    public IReadOnlyList<ApiRequestRecord> WritesSince(long mark) => Since(mark).Where(record => record.Call.IsWrite).ToList();

    /// <summary>How many requests with this verb (and resource plural, when given) were answered so far.</summary>
    public int Count(string verb, string? resource = null)
    {
        lock (_gate)
        {
            return _records.Count(record => record.Verb == verb && (resource is null || record.Resource == resource));
        }
    }

    /// <summary>Counts per "verb resource[/subresource]" since the mark, for a readable assertion message.</summary>
    public IReadOnlyDictionary<string, int> CountsSince(long mark) =>
        Since(mark)
            .GroupBy(record => $"{record.Verb} {record.Resource}{(record.Call.Subresource is null ? "" : "/" + record.Call.Subresource)}", StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);

    internal long Reserve()
    {
        lock (_gate)
        {
            return ++_sequence;
        }
    }

    internal void Record(ApiRequestRecord record)
    {
        var answered = record with { AnsweredAt = System.Diagnostics.Stopwatch.GetTimestamp() };
        lock (_gate)
        {
            _records.Add(answered);
        }
    }
}
