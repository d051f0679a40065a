using System.Text;

namespace MtlsOperator.Engine.Pki;

/// <summary>The DER objects of one kind found in a source, the labels of other PEM blocks next to them, or why none could be read.</summary>
public sealed record PemOrDerContent(IReadOnlyList<ReadOnlyMemory<byte>> Objects, IReadOnlyList<string> OtherLabels, string? Error);

/// <summary>Reads a source that holds PEM text with one or more blocks, or a single DER object.</summary>
public static class PemOrDer
{
    private const string BeginMarker = "-----BEGIN ";

    /// <summary>PEM blocks one source may hold (README "Limits"); keeps the work per source bounded.</summary>
    public const int MaxBlocks = 1000;

    /// <summary>Splits <paramref name="bytes"/> into the DER objects labelled <paramref name="label"/>.</summary>
    public static PemOrDerContent Read(byte[] bytes, string label)
    {
        if (bytes.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            return Fail("is empty");
        }

        if (!PemBlock.LooksLikePem(bytes))
        {
            return new PemOrDerContent([bytes], [], null);
        }

        var text = Encoding.UTF8.GetString(bytes);
        var begins = CountOccurrences(text, BeginMarker);
        if (begins > MaxBlocks)
        {
            return Fail($"has {begins} PEM blocks, more than the limit of {MaxBlocks} per source; split it across sources");
        }

        IReadOnlyList<PemBlock> blocks;
        try
        {
            blocks = PemBlock.ReadAll(text);
        }
        catch (FormatException)
        {
            return Fail("has a PEM block whose body is not valid base64");
        }

        if (blocks.Count < begins)
        {
            return Fail($"has {begins} BEGIN lines but only {blocks.Count} complete PEM blocks; a block is damaged " +
                "(missing END line, mismatched labels or invalid base64)");
        }

        var objects = blocks.Where(b => b.Label == label).Select(b => b.Der).ToList();
        var others = blocks.Where(b => b.Label != label).Select(b => b.Label).ToList();
        if (objects.Count == 0 && others.Count == 0)
        {
            return Fail($"is neither PEM (no -----BEGIN {label}----- line) nor DER");
        }

        return new PemOrDerContent(objects, others, null);
    }

    private static PemOrDerContent Fail(string error) => new([], [], error);

    private static int CountOccurrences(string text, string marker)
    {
        var count = 0;
        for (var i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, i + marker.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
