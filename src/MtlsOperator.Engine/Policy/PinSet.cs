using System.Collections.Immutable;

namespace MtlsOperator.Engine.Policy;

/// <summary>How a repeated pin entry relates to the earlier one it was merged into.</summary>
public enum PinRepetition
{
    /// <summary>Both identify the same certificate (a shared SHA-1 or SHA-256 of the DER).</summary>
    SameCertificate,

    /// <summary>Both are the same SPKI pin: the same public key, written twice.</summary>
    SameKey,
}

/// <summary>An entry merged into an earlier one, and why.</summary>
public sealed record PinMerge(string EarlierSource, PinRepetition Repetition);

/// <summary>Pin entries of one policy without repetition. Entries merge only when they identify the same certificate (a
/// shared hash of the DER certificate) or are the very same key pin. A shared SPKI alone never merges two certificates:
/// a renewed certificate usually keeps its key, and both the old and the renewed certificate must stay admitted.</summary>
public sealed class PinSet
{
    private readonly List<PinEntry> _entries = [];

    /// <summary>Adds an entry; returns the earlier entry it repeats (its forms merged there), or null when it is new.</summary>
    public PinMerge? Add(string source, IEnumerable<CertificatePin> forms)
    {
        var incoming = forms.Distinct().ToImmutableArray();
        var index = _entries.FindIndex(e => e.Forms.Any(f => f.Algorithm != PinAlgorithm.SpkiSha256 && incoming.Contains(f)));
        var repetition = PinRepetition.SameCertificate;
        if (index < 0)
        {
            index = _entries.FindIndex(e => e.Forms.ToHashSet().SetEquals(incoming));
            repetition = PinRepetition.SameKey;
        }

        if (index < 0)
        {
            _entries.Add(new PinEntry(source, incoming));
            return null;
        }

        var earlier = _entries[index];
        _entries[index] = earlier with { Forms = [.. earlier.Forms.Concat(incoming).Distinct()] };
        return new PinMerge(earlier.Source, repetition);
    }

    /// <summary>The entries in the order first seen.</summary>
    public ImmutableArray<PinEntry> Entries => [.. _entries];
}
