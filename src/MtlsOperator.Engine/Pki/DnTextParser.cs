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

        var value = new ValueBytes(type);
        if (_pos < _text.Length && _text[_pos] == '"')
        {
            ReadQuotedValue(value);
        }
        else
        {
            ReadPlainValue(value);
        }

        var (text, wildcards) = value.Decode();
        return new DnAttribute(type, text) { Wildcards = wildcards };
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

    /// <summary>A quoted value (RFC 2253) is literal: a <c>*</c> inside quotes is an asterisk, never a wildcard.</summary>
    private void ReadQuotedValue(ValueBytes value)
    {
        _pos++;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new DnSyntaxException($"has a {value.Type} value with an opening '\"' but no closing one.");
            }

            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return;
            }

            if (c == '\\')
            {
                ReadEscape(value);
            }
            else
            {
                AppendChar(value);
            }
        }
    }

    private void ReadPlainValue(ValueBytes value)
    {
        var significantLength = 0;
        while (_pos < _text.Length && _text[_pos] is not (',' or '+'))
        {
            var c = _text[_pos];
            if (c == '\\')
            {
                ReadEscape(value);
                significantLength = value.Length;
                continue;
            }

            if (c is '"' or '<' or '>' or ';')
            {
                throw new DnSyntaxException($"has an unescaped '{c}' in the {value.Type} value; escape it as \\{c}" +
                    (c == ';' ? " (attributes are separated by ',')." : "."));
            }

            if (c == '*')
            {
                if (!_allowWildcards)
                {
                    throw new DnSyntaxException($"has '*' in the {value.Type} value; wildcards are only allowed in subject rules. " +
                        "For a literal asterisk write \\* (or \\2A).");
                }

                _pos++;
                value.AddWildcard();
                significantLength = value.Length;
                continue;
            }

            AppendChar(value);
            if (c != ' ')
            {
                significantLength = value.Length;
            }
        }

        // Spaces before a separator belong to the separator (as in "CN=x , O=y"), unless escaped.
        value.Truncate(significantLength);
    }

    /// <summary>An escaped character or <c>\XX</c> byte is always literal, including <c>\*</c> and <c>\2A</c>.</summary>
    private void ReadEscape(ValueBytes value)
    {
        if (_pos + 1 >= _text.Length)
        {
            throw new DnSyntaxException($"ends the {value.Type} value with a lone backslash; escape a literal backslash as \\\\.");
        }

        var next = _text[_pos + 1];
        if (_pos + 2 < _text.Length && Uri.IsHexDigit(next) && Uri.IsHexDigit(_text[_pos + 2]))
        {
            value.Add(Convert.FromHexString(_text.AsSpan(_pos + 1, 2))[0]);
            _pos += 3;
            return;
        }

        if (next is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '#' or '=' or ' ' or '*')
        {
            _pos++;
            AppendChar(value);
            return;
        }

        throw new DnSyntaxException($"has \"\\{next}\" in the {value.Type} value, which escapes nothing; only , + \" \\ < > ; # = * and space are escaped, or a byte as \\XX.");
    }

    private void AppendChar(ValueBytes value)
    {
        var c = _text[_pos];
        var length = char.IsHighSurrogate(c) && _pos + 1 < _text.Length && char.IsLowSurrogate(_text[_pos + 1]) ? 2 : 1;
        value.Add(Encoding.UTF8.GetBytes(_text.Substring(_pos, length)));
        _pos += length;
    }

    /// <summary>The UTF-8 bytes of one value as written, with the byte offsets where unescaped <c>*</c> wildcards stood.</summary>
    private sealed class ValueBytes(string type)
    {
        private readonly List<byte> _bytes = [];
        private readonly List<int> _wildcards = [];

        public string Type => type;

        public int Length => _bytes.Count;

        public void Add(byte b) => _bytes.Add(b);

        public void Add(byte[] bytes) => _bytes.AddRange(bytes);

        /// <summary>Adjacent wildcards are one wildcard.</summary>
        public void AddWildcard()
        {
            if (_wildcards.Count == 0 || _wildcards[^1] != _bytes.Count)
            {
                _wildcards.Add(_bytes.Count);
            }
        }

        public void Truncate(int length) => _bytes.RemoveRange(length, _bytes.Count - length);

        /// <summary>The text and the character offsets of its wildcards. Each stretch between wildcards must be whole UTF-8.</summary>
        public (string Text, ImmutableArray<int> Wildcards) Decode()
        {
            var text = new StringBuilder();
            var offsets = ImmutableArray.CreateBuilder<int>(_wildcards.Count);
            var from = 0;
            foreach (var at in _wildcards.Append(_bytes.Count))
            {
                try
                {
                    text.Append(s_strictUtf8.GetString(_bytes.GetRange(from, at - from).ToArray()));
                }
                catch (DecoderFallbackException)
                {
                    throw new DnSyntaxException($"has \\XX escapes in the {type} value that are not valid UTF-8; escape each byte of the UTF-8 encoding, or write the character itself.");
                }

                offsets.Add(text.Length);
                from = at;
            }

            offsets.RemoveAt(offsets.Count - 1);
            return (text.ToString(), offsets.ToImmutable());
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
