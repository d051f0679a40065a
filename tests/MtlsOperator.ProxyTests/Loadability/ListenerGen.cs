using System.Text;
using CsCheck;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.ProxyTests.Loadability;

/// <summary>CsCheck generators of valid listeners, up to the API's documented limits (<see cref="ApiLimits"/>), with hostile-but-legal content: many rules, pins and SNI names, long and
/// non-ASCII DN values with every special character, odd header names, extreme ports, unresolvable upstream names; and, now and
/// then, one flaw the engine must refuse.</summary>
public static class ListenerGen
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";

    /// <summary>SHA-1 pins fill the rest of <see cref="ApiLimits.Pins"/>, less these and one certificate pin.</summary>
    private const int MaxSha256Pins = 20;
    private const string LabelChars = Lower + "0123456789-";

    /// <summary>Characters of DN values: plain, RFC 4514 specials (escaped when written) and non-ASCII of 2, 3 and 4 UTF-8 bytes.</summary>
    private static readonly string[] s_valueChars =
    [
        .. "abcXYZ0189 -_.@:/'()!?&%$~".Select(c => c.ToString()),
        ",", "+", "\"", "\\", "<", ">", ";", "=", "#",
        "\u00fc", "\u00e9", "\u00df", "\u4e2d", "\u6587", "\ud83d\ude00",
    ];

    private static readonly Gen<string> s_label =
        Gen.Select(Gen.Char[Lower], Gen.String[Gen.Char[LabelChars], 0, 61], Gen.Char[Lower + "0123456789"],
            (first, middle, last) => first + middle + last)
        .Select(l => l.Length > 63 ? l[..63] : l);

    private static readonly Gen<string> s_shortLabel = Gen.Select(Gen.Char[Lower], Gen.String[Gen.Char[Lower + "0123456789"], 0, 8], (a, b) => a + b);

    /// <summary>A DNS name of 2-4 labels; the 1-in-8 long ones approach 253 characters.</summary>
    public static readonly Gen<string> DnsName = Gen.Frequency(
        (7, s_shortLabel.Array[1, 3].Select(ls => string.Join('.', ls) + ".example")),
        (1, s_label.Array[3, 3].Select(ls => string.Join('.', ls) + ".example")));

    private static readonly Gen<string> s_hostname = Gen.Frequency((5, DnsName), (1, DnsName.Select(n => "*." + n)));

    private static readonly Gen<ServerFlaw> s_flaw = Gen.Frequency(
        (40, Gen.Const(ServerFlaw.None)), (1, Gen.Const(ServerFlaw.WeakLeafKey)), (1, Gen.Const(ServerFlaw.Sha1Signature)), (1, Gen.Const(ServerFlaw.WeakIntermediate)));

    private static readonly Gen<GeneratedServer> s_server = Gen.Select(
        Gen.Frequency((10, s_hostname.Array[1, 3]), (1, s_hostname.Array[50, ApiLimits.Hostnames])), s_flaw, (names, flaw) => new GeneratedServer(names, flaw));

    private static readonly Gen<string> s_hex40 = Gen.String[Gen.Char["0123456789abcdef"], 40, 40];
    private static readonly Gen<string> s_hex64 = Gen.String[Gen.Char["0123456789abcdef"], 64, 64];

    /// <summary>A pin in one of the spellings consoles print: lowercase, uppercase, with colons.</summary>
    private static Gen<string> Spelled(Gen<string> hex) => Gen.Select(hex, Gen.Int[0, 2], (h, style) => style switch
    {
        0 => h,
        1 => h.ToUpperInvariant(),
        _ => string.Join(':', h.ToUpperInvariant().Chunk(2).Select(c => new string(c))),
    });

    private static readonly Gen<string[]> s_sha1Pins = Gen.Frequency(
        (4, Spelled(s_hex40).Array[0, 3]), (1, Spelled(s_hex40).Array[40, ApiLimits.Pins - MaxSha256Pins - 1]), (1, Gen.Const(Array.Empty<string>())));

    private static readonly Gen<string[]> s_sha256Pins = Gen.Frequency((5, Gen.Const(Array.Empty<string>())), (1, Spelled(s_hex64).Array[1, MaxSha256Pins]));

    /// <summary>One attribute value as RFC 4514 text: 1-64 characters, specials escaped, optionally with unescaped <c>*</c> wildcards.</summary>
    private static Gen<string> Value(bool wildcards) =>
        Gen.Frequency((4, Gen.Int[1, 12]), (1, Gen.Int[50, 64])).SelectMany(length =>
            (wildcards ? Gen.Frequency((6, Gen.OneOf(s_valueChars)), (1, Gen.Const("*"))) : Gen.OneOf(s_valueChars)).Array[length, length])
        .Select(Escape);

    private static string Escape(string[] characters)
    {
        var text = new StringBuilder();
        for (var i = 0; i < characters.Length; i++)
        {
            var c = characters[i];
            var edge = (i == 0 && c is " " or "#") || (i == characters.Length - 1 && c == " ");
            text.Append(c is "," or "+" or "\"" or "\\" or "<" or ">" or ";" or "=" || edge ? "\\" + c : c);
        }

        return text.ToString();
    }

    private static Gen<string> Attribute(bool wildcards) => Gen.Select(
        Gen.OneOf("CN", "O", "OU", "L", "ST", "DC", "emailAddress", "street", "UID"), Value(wildcards), (type, value) => type + "=" + value);

    /// <summary>A DN of 1-4 RDNs, now and then a multi-valued one.</summary>
    private static Gen<string> Dn(bool wildcards) =>
        Gen.Frequency((8, Attribute(wildcards).Array[1, 1]), (1, Attribute(wildcards).Array[2, 3]))
            .Select(rdn => string.Join('+', rdn)).Array[1, 4].Select(rdns => string.Join(',', rdns));

    /// <summary>An issuer rule means "issued by this CA of the bundle": the names of the two client CAs of <see cref="GeneratedWorld"/>.</summary>
    private static readonly Gen<string> s_issuer = Gen.OneOf("CN=Corp Issuing CA,O=Corp", "CN=Corp Root,O=Corp");

    private static readonly Gen<GeneratedRule> s_rule = Gen.Frequency(
        (6, Gen.Select(s_issuer, Dn(true), (i, s) => new GeneratedRule(i, s))),
        (3, Dn(true).Select(s => new GeneratedRule(null, s))),
        (1, s_issuer.Select(i => new GeneratedRule(i, null))));

    private static readonly Gen<GeneratedRule[]> s_rules = Gen.Frequency(
        (4, s_rule.Array[0, 4]), (2, s_rule.Array[20, ApiLimits.Rules]), (1, Gen.Const(Array.Empty<GeneratedRule>())));

    /// <summary>(host, is invalid): literals, names that never resolve, and hosts the engine must refuse.</summary>
    private static readonly Gen<(string, bool)> s_upstream = Gen.Frequency(
        (3, Gen.OneOf("127.0.0.1", "::1", "localhost", "10.0.0.255", "fd00::a:7").Select(h => (h, false))),
        (3, DnsName.Select(n => ("svc." + n + ".invalid", false))),
        (1, DnsName.Select(n => (n + ".", false))),
        (1, Gen.OneOf("1.2.3", "app;evil", "app example", "[::1]", "app:80", "-app", "0x7f.0.0.1", "fe80::1%eth0").Select(h => (h, true))));

    private static readonly Gen<int> s_port = Gen.Frequency((1, Gen.OneOf(1, 80, 443, 1024, 65535)), (3, Gen.Int[1, 65535]));

    /// <summary>(header, is invalid).</summary>
    private static readonly Gen<(string?, bool)> s_header = Gen.Frequency(
        (3, Gen.Const<(string?, bool)>((null, false))),
        (3, Gen.OneOf("X-Client-Subject", "x-a", "X-SSL-Client-DN", "A", "X-Forwarded-Client-Cert", "0-Client").Select(h => ((string?)h, false))),
        (2, Gen.Select(Gen.Char["ABCXYZabcxyz0189"], Gen.String[Gen.Char["ABCXYZabcxyz0189-"], 0, 60], (a, b) => ((string?)(a + b), false))),
        (1, Gen.OneOf("X_Client", "Host", "Content-Length", "X-Client Subject", "X-Client:").Select(h => ((string?)h, true))));

    /// <summary>A whole listener.</summary>
    public static readonly Gen<GeneratedListener> Listener =
        Gen.Select(
            Gen.Select(s_shortLabel, s_port, s_port, s_upstream),
            Gen.Frequency((8, s_server.Array[1, 2]), (1, s_server.Array[3, 6])),
            Gen.Select(s_sha1Pins, s_sha256Pins, Gen.Frequency((5, Gen.Const(false)), (1, Gen.Const(true)))),
            s_rules,
            s_header,
            Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true))),
            (network, servers, pins, rules, header, revocation) => new GeneratedListener(
                "l" + network.Item1,
                network.Item2,
                network.Item3,
                network.Item4.Item1,
                network.Item4.Item2,
                Unique(servers),
                pins.Item1,
                pins.Item2,
                pins.Item3,
                rules,
                header.Item1,
                header.Item2,
                revocation));

    /// <summary>Drops names an earlier certificate already serves: a name declared twice is refused (DuplicateHostname) by design,
    /// which is tested elsewhere, and random names collide only by accident.</summary>
    private static GeneratedServer[] Unique(GeneratedServer[] servers)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return [.. servers.Select(s => s with { Hostnames = [.. s.Hostnames.Where(seen.Add)] }).Where(s => s.Hostnames.Length > 0)];
    }
}
