using System.Globalization;
using System.Text;

namespace MtlsOperator.Engine.Api;

/// <summary>The bounds metav1.Condition puts on its fields, applied to every condition the engine builds so the API server
/// never refuses a status write (a refused write would leave the old status and a retry loop).</summary>
public static class ConditionLimits
{
    /// <summary>metav1.Condition <c>message</c> maxLength. Counted here in UTF-8 bytes, which is never less than the characters
    /// the API server counts.</summary>
    public const int MaxMessageBytes = ApiLimits.Message;

    /// <summary>metav1.Condition <c>reason</c> maxLength.</summary>
    public const int MaxReasonLength = 1024;

    /// <summary><paramref name="message"/> within <paramref name="maxBytes"/> UTF-8 bytes: cut at a character boundary (never inside
    /// a surrogate pair), preferably after a word, and ended with "…and N more characters" saying how much was left out.</summary>
    public static string Message(string message, int maxBytes = MaxMessageBytes)
    {
        if (Encoding.UTF8.GetByteCount(message) <= maxBytes)
        {
            return message;
        }

        // Reserve room for the longest possible suffix (the count has at most 10 digits).
        var budget = maxBytes - Encoding.UTF8.GetByteCount(Suffix(int.MaxValue));
        var end = 0;
        var bytes = 0;
        foreach (var rune in message.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > budget)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }

        var space = message.LastIndexOf(' ', Math.Max(0, end - 1), Math.Min(end, 200));
        if (space > 0)
        {
            end = space;
        }

        var kept = message[..end].TrimEnd();
        var omitted = new StringInfo(message[kept.Length..]).LengthInTextElements;
        return kept + Suffix(omitted);
    }

    /// <summary><paramref name="reason"/> as the API server accepts it (<c>^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$</c>, at most
    /// 1024 characters): other characters become '_'. Reasons are constants, so this only guards against a future mistake.</summary>
    public static string Reason(string reason)
    {
        // The constants every condition is built with are valid: returned as they are, not copied, since each evaluation sets
        // several and a copy of each stayed in the cache's statuses for as long as the resource.
        if (IsValidReason(reason))
        {
            return reason;
        }

        var chars = reason.Take(MaxReasonLength).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ',' or ':' ? c : '_').ToArray();
        var text = new string(chars);
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]))
        {
            text = "R" + text[..Math.Min(text.Length, MaxReasonLength - 1)];
        }

        // Trimmed last: the cut to make room for the "R" can leave a ',' or ':' at the end. 'R' itself stays.
        return text.TrimEnd(',', ':');
    }

    private static bool IsValidReason(string reason)
    {
        if (reason.Length is 0 or > MaxReasonLength || !char.IsAsciiLetter(reason[0]) || reason[^1] is ',' or ':')
        {
            return false;
        }

        foreach (var c in reason)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or ',' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Suffix(int omitted) => $" …and {omitted.ToString(CultureInfo.InvariantCulture)} more characters";
}
