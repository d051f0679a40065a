namespace MtlsOperator.Engine.Pki;

/// <summary>Whether a declared hostname is a DNS name a certificate can be checked against (LDH labels, optional whole-label left-most wildcard).</summary>
public static class HostnameSyntax
{
    private const int MaxNameLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>Null when <paramref name="hostname"/> is valid, otherwise why not, as the end of a sentence ("... is not valid: &lt;problem&gt;").</summary>
    public static string? Problem(string? hostname)
    {
        if (string.IsNullOrEmpty(hostname))
        {
            return "it is empty";
        }

        if (hostname.Length > MaxNameLength)
        {
            return $"it is longer than {MaxNameLength} characters";
        }

        if (hostname.EndsWith('.'))
        {
            return "remove the trailing dot (certificates and SNI carry names without it)";
        }

        var labels = hostname.Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            if (LabelProblem(labels[i], i, labels.Length) is { } problem)
            {
                return problem;
            }
        }

        // A name whose last label is numeric is an IP address, which needs an IP SAN, not a DNS name.
        return labels[^1].All(char.IsAsciiDigit)
            ? "it looks like an IP address; only DNS names are supported"
            : null;
    }

    private static string? LabelProblem(string label, int index, int count)
    {
        if (label == "*")
        {
            if (index != 0)
            {
                return "a wildcard must be the whole left-most label (e.g. *.example.com)";
            }

            // "*.com" would claim a whole top-level domain; RFC 6125 clients refuse to match it.
            return count < 3 ? "a wildcard needs at least two labels after it (e.g. *.example.com)" : null;
        }

        if (label.Length == 0)
        {
            return "it has an empty label (two dots in a row or a leading dot)";
        }

        if (label.Length > MaxLabelLength)
        {
            return $"the label \"{label}\" is longer than {MaxLabelLength} characters";
        }

        if (label.Contains('*'))
        {
            return "a wildcard must be the whole left-most label (e.g. *.example.com)";
        }

        if (label.Any(c => !char.IsAscii(c)))
        {
            return "it contains non-ASCII characters; write internationalized names in their xn-- (punycode) form";
        }

        if (label.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            return $"the label \"{label}\" may contain only letters, digits and hyphens";
        }

        return label.StartsWith('-') || label.EndsWith('-')
            ? $"the label \"{label}\" must not start or end with a hyphen"
            : null;
    }
}
