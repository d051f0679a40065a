using System.Collections.Immutable;
using System.Text;

namespace MtlsOperator.Engine.Pki;

/// <summary>Parses RFC 4514 (and the older RFC 2253 quoting) distinguished-name text into a <see cref="DistinguishedName"/>.</summary>
internal sealed class DnTextParser
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _text;
    private readonly bool _allowWildcards;
    private int _pos;

    private DnTextParser(string text, bool allowWildcards)
    {
        _text = text;
        _allowWildcards = allowWildcards;
    }

    private sealed class DnSyntaxException(string message) : Exception(message);

    public static bool TryParse(string? text, bool allowWildcards, out DistinguishedName? name, out string? error)
    {
        name = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty; write a distinguished name such as CN=client,O=Example.";
            return false;
        }

        try
        {
            name = new DnTextParser(text, allowWildcards).Parse();
            error = null;
            return true;
        }
        catch (DnSyntaxException e)
        {
            error = e.Message;
            return false;
        }
    }

    private DistinguishedName Parse()
    {
        var rdns = ImmutableArray.CreateBuilder<ImmutableArray<DnAttribute>>();
        var rdn = ImmutableArray.CreateBuilder<DnAttribute>();
        while (true)
        {
            rdn.Add(ReadAttribute());
            SkipSpaces();
            if (_pos >= _text.Length)
            {
                rdns.Add(rdn.ToImmutable());
                return new DistinguishedName(rdns.ToImmutable());
            }

            var separator = _text[_pos++];
            if (separator is not (',' or '+'))
            {
                throw new DnSyntaxException($"has '{separator}' after a quoted or #hex value where ',' or '+' should be.");
            }

            if (separator == ',')
            {
                rdns.Add(rdn.ToImmutable());
                rdn.Clear();
            }

            SkipSpaces();
            if (_pos >= _text.Length)
            {
                throw new DnSyntaxException($"ends with '{separator}'; remove it or add the missing attribute after it.");
            }
        }
    }

    private DnAttribute ReadAttribute()
    {
        SkipSpaces();
        var start = _pos;
        while (_pos < _text.Length && _text[_pos] != '=')
        {
            if (_text[_pos] is ',' or '+')
            {
                throw new DnSyntaxException($"has \"{_text[start.._pos].Trim()}\" without '='; every part must be TYPE=value, e.g. CN=client.");
            }

            _pos++;
        }

        var written = _text[start.._pos].Trim();
        if (_pos >= _text.Length)
        {
            throw new DnSyntaxException($"has \"{written}\" without '='; every part must be TYPE=value, e.g. CN=client.");
        }

        if (written.Length == 0)
        {
            throw new DnSyntaxException($"has '=' without an attribute type at position {_pos + 1}; write TYPE=value, e.g. CN=client.");
        }

        var type = DnAttributeTypes.Canonical(written)
            ?? throw new DnSyntaxException($"uses attribute type \"{written}\", which is not known; use one of {DnAttributeTypes.KnownShortNames} or a dotted OID such as 2.5.4.3.");
        _pos++;
        SkipSpaces();
        if (_pos < _text.Length && _text[_pos] == '#')
        {
            return ReadHexValue(type);
        }

        var value = _pos < _text.Length && _text[_pos] == '"' ? ReadQuotedValue(type) : ReadPlainValue(type);
        return new DnAttribute(type, value);
    }

    private DnAttribute ReadHexValue(string type)
    {
        var start = ++_pos;
        while (_pos < _text.Length && Uri.IsHexDigit(_text[_pos]))
        {
            _pos++;
        }

        var hex = _text[start.._pos];
        if (hex.Length == 0 || hex.Length % 2 != 0)
        {
            throw new DnSyntaxException($"has a {type} value starting with '#' that is not an even number of hex digits; escape a literal '#' as \\#.");
        }

        return new DnAttribute(type, hex.ToUpperInvariant(), IsDerHex: true);
    }

    private string ReadQuotedValue(string type)
    {
        _pos++;
        var bytes = new List<byte>();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new DnSyntaxException($"has a {type} value with an opening '\"' but no closing one.");
            }

            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return Decode(bytes, type);
            }

            if (c == '\\')
            {
                ReadEscape(bytes, type);
            }
            else
            {
                AppendChar(bytes, type);
            }
        }
    }

    private string ReadPlainValue(string type)
    {
        var bytes = new List<byte>();
        var significantLength = 0;
        while (_pos < _text.Length && _text[_pos] is not (',' or '+'))
        {
            var c = _text[_pos];
            if (c == '\\')
            {
                ReadEscape(bytes, type);
                significantLength = bytes.Count;
                continue;
            }

            if (c is '"' or '<' or '>' or ';')
            {
                throw new DnSyntaxException($"has an unescaped '{c}' in the {type} value; escape it as \\{c}" +
                    (c == ';' ? " (attributes are separated by ',')." : "."));
            }

            AppendChar(bytes, type);
            if (c != ' ')
            {
                significantLength = bytes.Count;
            }
        }

        // Spaces before a separator belong to the separator (as in "CN=x , O=y"), unless escaped.
        bytes.RemoveRange(significantLength, bytes.Count - significantLength);
        return Decode(bytes, type);
    }

    private void ReadEscape(List<byte> bytes, string type)
    {
        if (_pos + 1 >= _text.Length)
        {
            throw new DnSyntaxException($"ends the {type} value with a lone backslash; escape a literal backslash as \\\\.");
        }

        var next = _text[_pos + 1];
        if (_pos + 2 < _text.Length && Uri.IsHexDigit(next) && Uri.IsHexDigit(_text[_pos + 2]))
        {
            bytes.Add(Convert.FromHexString(_text.AsSpan(_pos + 1, 2))[0]);
            _pos += 3;
            return;
        }

        if (next is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '#' or '=' or ' ' or '*')
        {
            _pos++;
            AppendChar(bytes, type);
            return;
        }

        throw new DnSyntaxException($"has \"\\{next}\" in the {type} value, which escapes nothing; only , + \" \\ < > ; # = and space are escaped, or a byte as \\XX.");
    }

    private void AppendChar(List<byte> bytes, string type)
    {
        var c = _text[_pos];
        if (c == '*' && !_allowWildcards)
        {
            throw new DnSyntaxException($"has '*' in the {type} value; wildcards are only allowed in subject rules.");
        }

        var length = char.IsHighSurrogate(c) && _pos + 1 < _text.Length && char.IsLowSurrogate(_text[_pos + 1]) ? 2 : 1;
        bytes.AddRange(Encoding.UTF8.GetBytes(_text.Substring(_pos, length)));
        _pos += length;
    }

    private static string Decode(List<byte> bytes, string type)
    {
        try
        {
            return s_strictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            throw new DnSyntaxException($"has \\XX escapes in the {type} value that are not valid UTF-8; escape each byte of the UTF-8 encoding, or write the character itself.");
        }
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && _text[_pos] == ' ')
        {
            _pos++;
        }
    }
}
