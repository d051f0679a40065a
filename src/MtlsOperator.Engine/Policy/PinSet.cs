using System.Collections.Immutable;

namespace MtlsOperator.Engine.Policy;

/// <summary>Pin entries of one policy without repetition: an entry sharing any hash with an earlier one pins the same
/// certificate, so its forms are merged into the earlier entry and the repetition is reported.</summary>
public sealed class PinSet
{
    private readonly List<PinEntry> _entries = [];

    /// <summary>Adds an entry; returns the source of the earlier entry it repeats (its forms merged there), or null when it is new.</summary>
    public string? Add(string source, IEnumerable<CertificatePin> forms)
    {
        var incoming = forms.Distinct().ToImmutableArray();
        var index = _entries.FindIndex(e => e.Forms.Any(incoming.Contains));
        if (index < 0)
        {
            _entries.Add(new PinEntry(source, incoming));
            return null;
        }

        var earlier = _entries[index];
        _entries[index] = earlier with { Forms = [.. earlier.Forms.Concat(incoming).Distinct()] };
        return earlier.Source;
    }

    /// <summary>The entries in the order first seen.</summary>
    public ImmutableArray<PinEntry> Entries => [.. _entries];
}
