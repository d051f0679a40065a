using System.Text;

namespace MtlsOperator.Tests.Hostile;

/// <summary>One hostile input for <c>render</c>: a recipe that writes its files into an empty folder, and the extra arguments it needs.</summary>
/// <param name="Name">What the input is; the test case is named after it.</param>
/// <param name="Write">Writes the manifests into the folder given; returns extra arguments for <c>render</c> (the folder is always passed with -f).</param>
internal sealed record HostileInput(string Name, Func<string, string[]> Write)
{
    public override string ToString() => Name;
}

/// <summary>The crash/hang corpus: every class of input that once crashed, hung or exhausted memory, and its neighbours.
/// Each entry is its own recipe (the generator is the code), so nothing here is an opaque blob.</summary>
internal static class HostileCorpus
{
    private const string Group = "mtls-operator.io/v1alpha1";

    public static IReadOnlyList<HostileInput> All { get; } =
    [
        // YAML structure
        Yaml("billion laughs (9 levels of 9 aliases, 342 bytes)", BillionLaughs()),
        Yaml("recursive alias", "a: &a [*a]\n"),
        Yaml("recursive alias in a mapping", "a: &a {b: *a}\n"),
        Yaml("alias without anchor", "apiVersion: v1\nkind: *nope\n"),
        Yaml("100,000 levels of flow sequences", new string('[', 100_000) + new string(']', 100_000) + "\n"),
        Yaml("100,000 levels of flow mappings", string.Concat(Enumerable.Repeat("{a: ", 100_000)) + "1" + new string('}', 100_000) + "\n"),
        Yaml("5,000 levels of block mappings", string.Concat(Enumerable.Range(0, 5_000).Select(i => new string(' ', i) + "a:\n"))),
        Yaml("duplicate keys differing only by tag", "apiVersion: v1\nkind: ConfigMap\n!!str kind: ConfigMap\n"),
        Yaml("duplicate plain keys", $"apiVersion: {Group}\nkind: TrustBundle\nkind: TrustBundle\nmetadata: {{name: a}}\nspec: {{}}\n"),
        Yaml("mapping as a key", "? [a, b]\n: c\n"),
        Yaml("kind is a list", "apiVersion: v1\nkind: [a]\n"),
        Yaml("kind is a mapping", "apiVersion: v1\nkind: {a: b}\n"),
        Yaml("kind is a number", $"apiVersion: {Group}\nkind: 7\n"),
        Yaml("apiVersion is a list", "apiVersion: [v1]\nkind: Secret\n"),
        Yaml("kind List with null, scalar and list items", "apiVersion: v1\nkind: List\nitems: [null, 3, [a]]\n"),
        Yaml("document is a scalar", "just text\n"),
        Yaml("empty documents", "---\n---\n...\n"),
        Yaml("unterminated flow", "a: [b, {c: \n"),
        Yaml("tab indentation", "a:\n\tb: c\n"),
        Yaml("metadata is a string", $"apiVersion: {Group}\nkind: TrustBundle\nmetadata: hello\nspec: {{}}\n"),
        Yaml("metadata.name is a number", $"apiVersion: {Group}\nkind: TrustBundle\nmetadata: {{name: 7}}\nspec: {{}}\n"),
        Yaml("spec is a string", $"apiVersion: {Group}\nkind: MtlsListener\nmetadata: {{name: a}}\nspec: hello\n"),
        Yaml("listenPort overflows", $"apiVersion: {Group}\nkind: MtlsListener\nmetadata: {{name: a}}\nspec: {{listenPort: 99999999999999999999999}}\n"),
        Yaml("listenPort is a string", $"apiVersion: {Group}\nkind: MtlsListener\nmetadata: {{name: a}}\nspec: {{listenPort: \"x\", upstreamPort: -5}}\n"),
        Yaml("Secret data not base64", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {tls.crt: \"%%%\"}\n"),
        Json("JSON nested 100,000 levels", new string('[', 100_000) + new string(']', 100_000)),
        Json("JSON with a NUL and a lone surrogate", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\u0000\",\"metadata\":{\"name\":\"\\ud800\"}}"),
        .. SpecNull(),
        .. NullItems(),
        Yaml("every list null", $"apiVersion: {Group}\nkind: ClientAuthPolicy\nmetadata: {{name: p}}\nspec: {{trustBundleRef: null, pins: null, rules: null}}\n"),

        // Files
        new("symlink to /dev/zero", dir => { File.CreateSymbolicLink(Path.Join(dir, "zero.yaml"), "/dev/zero"); return []; }),
        new("symlink to /dev/urandom", dir => { File.CreateSymbolicLink(Path.Join(dir, "random.yaml"), "/dev/urandom"); return []; }),
        new("FIFO named like a manifest", dir => { MakeFifo(Path.Join(dir, "pipe.yaml")); return []; }),
        new("directory named like a manifest", dir => { Directory.CreateDirectory(Path.Join(dir, "sub.yaml")); return []; }),
        new("dangling symlink", dir => { File.CreateSymbolicLink(Path.Join(dir, "gone.yaml"), Path.Join(dir, "nowhere")); return []; }),
        new("file over 4 MiB", dir => { File.WriteAllText(Path.Join(dir, "big.yaml"), "a: \"" + new string('x', 5 * 1024 * 1024) + "\"\n"); return []; }),
        new("invalid UTF-8", dir => { File.WriteAllBytes(Path.Join(dir, "bad.yaml"), [0x61, 0x3A, 0x20, 0xC3, 0x28, 0xFF, 0x0A]); return []; }),
        new("unusable --out (a file)", dir => { WriteGoodSet(dir); File.WriteAllText(Path.Join(dir, "out"), ""); return ["--out", Path.Join(dir, "out")]; }),
        new("unusable --out (under /proc)", dir => { WriteGoodSet(dir); return ["--out", "/proc/self/hostile-out"]; }),
        new("names that are paths, with --out", dir =>
        {
            File.WriteAllText(Path.Join(dir, "m.yaml"), $"apiVersion: {Group}\nkind: MtlsListener\nmetadata: {{name: \"../../x\", namespace: \"../..\"}}\nspec: {{outputSecretName: \"../../../tmp/owned\"}}\n");
            return ["--out", Path.Join(dir, "out")];
        }),

        // Certificates
        Bundle("CA with truncated basicConstraints", HostileCertificates.CaWithTruncatedBasicConstraints()),
        Bundle("CA with keyUsage of the wrong type", HostileCertificates.CaWithWrongTypeKeyUsage()),
        Bundle("CA with a UniversalString name", HostileCertificates.CaWithUniversalStringName()),
        Bundle("CA with an invalid UniversalString", HostileCertificates.CaWithBrokenUniversalString()),
        Bundle("CA with an odd-length BMPString", HostileCertificates.CaWithOddBmpString()),
        Bundle("CA with a non-DER name", HostileCertificates.CaWithNonDerName()),
        Bundle("CA with a malformed extendedKeyUsage", HostileCertificates.CaWithRawExtension("2.5.29.37", [0x30, 0x05, 0x06])),
        Bundle("CA with a malformed subjectAltName", HostileCertificates.CaWithRawExtension("2.5.29.17", [0x30, 0x04, 0x82, 0x09, 0x61], critical: false)),
        Bundle("CA with a malformed authorityKeyIdentifier", HostileCertificates.CaWithRawExtension("2.5.29.35", [0x30, 0x02, 0x80], critical: false)),
        Bundle("CA with a malformed subjectKeyIdentifier", HostileCertificates.CaWithRawExtension("2.5.29.14", [0x04, 0x09, 0x01], critical: false)),
        Bundle("CA with an unknown critical extension", HostileCertificates.CaWithRawExtension("1.2.3.4.5", [0x05, 0x00])),
        Pin("pinned certificate with truncated basicConstraints", HostileCertificates.ClientWithRawExtension("2.5.29.19", [0x30, 0x03, 0x01, 0x01])),
        Pin("pinned certificate with keyUsage of the wrong type", HostileCertificates.ClientWithRawExtension("2.5.29.15", [0x04, 0x02, 0x01, 0x06])),
        Pin("pinned certificate with a non-DER name", HostileCertificates.CaWithNonDerName()),
        Pin("pinned certificate with a UniversalString name", HostileCertificates.CaWithUniversalStringName("client")),
        SecretBundle("random bytes as DER", RandomBytes(7, 600, first: 0x30)),
        SecretBundle("a DER SEQUENCE claiming 2 GB", [0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x02, 0x01, 0x01]),
        Bundle("random base64 in PEM armour", "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(RandomBytes(8, 900, first: 0x30), Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n"),
        Bundle("1 MiB of BEGIN lines", string.Concat(Enumerable.Repeat("-----BEGIN CERTIFICATE-----\n", 1024 * 1024 / 28))),
        SecretBundle("1,001 certificates in one Secret key (over the block limit)", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(HostileCertificates.GoodCa(), 1_001)))),
        Bundle("inline PEM over 256 KiB", string.Concat(Enumerable.Repeat(HostileCertificates.GoodCa(), 500))),
        Bundle("BEGIN without END, then a good certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n" + HostileCertificates.GoodCa()),
        Bundle("mismatched PEM labels", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n"),
        Bundle("CRL that is garbage", HostileCertificates.GoodCa(), crl: "-----BEGIN X509 CRL-----\nMAMCAQA=\n-----END X509 CRL-----\n"),
        Bundle("CRL of random bytes", HostileCertificates.GoodCa(), crl: "-----BEGIN X509 CRL-----\n" + Convert.ToBase64String(RandomBytes(9, 400, first: 0x30)) + "\n-----END X509 CRL-----\n"),

        // Sizes
        new("10,000 pins (over the limit)", dir => { File.WriteAllText(Path.Join(dir, "p.yaml"), Policy(Enumerable.Range(0, 10_000).Select(i => $"  - sha256: \"{i:x64}\"\n"))); return []; }),
        new("as many pins as the limit allows", dir => { File.WriteAllText(Path.Join(dir, "p.yaml"), Policy(Enumerable.Range(0, Engine.Api.ApiLimits.Pins).Select(i => $"  - sha256: \"{i:x64}\"\n"))); return []; }),
        new("10,000 rules (over the limit)", dir => { File.WriteAllText(Path.Join(dir, "p.yaml"), Policy([], Enumerable.Range(0, 10_000).Select(i => $"  - subject: \"CN=c{i}\"\n"))); return []; }),
        new("1,000 server certificates on one listener", dir =>
        {
            File.WriteAllText(Path.Join(dir, "l.yaml"), $"apiVersion: {Group}\nkind: MtlsListener\nmetadata: {{name: l}}\nspec:\n  proxy: haproxy\n  listenPort: 8443\n  upstreamPort: 8080\n  clientAuthPolicyRef: {{name: p}}\n  serverCertificateRefs:\n"
                + string.Concat(Enumerable.Range(0, 1_000).Select(i => $"  - name: c{i}\n")));
            return [];
        }),
        new("200,000-character hostname", dir =>
        {
            File.WriteAllText(Path.Join(dir, "c.yaml"), $"apiVersion: {Group}\nkind: ServerCertificate\nmetadata: {{name: c}}\nspec:\n  hostnames: [\"{new string('a', 200_000)}.example.com\"]\n  selfSigned: {{}}\n");
            return [];
        }),
    ];

    private static HostileInput Yaml(string name, string text) => new(name, dir => { File.WriteAllText(Path.Join(dir, "input.yaml"), text); return []; });

    private static HostileInput Json(string name, string text) => new(name, dir => { File.WriteAllText(Path.Join(dir, "input.json"), text); return []; });

    private static IEnumerable<HostileInput> SpecNull() =>
        new[] { "TrustBundle", "ServerCertificate", "ClientAuthPolicy", "MtlsListener" }
            .Select(kind => Yaml($"{kind} with spec: null", $"apiVersion: {Group}\nkind: {kind}\nmetadata: {{name: a}}\nspec: null\n"));

    private static IEnumerable<HostileInput> NullItems() =>
    [
        Yaml("null TrustBundle source", $"apiVersion: {Group}\nkind: TrustBundle\nmetadata: {{name: a}}\nspec: {{sources: [null]}}\n"),
        Yaml("null TrustBundle CRL", $"apiVersion: {Group}\nkind: TrustBundle\nmetadata: {{name: a}}\nspec: {{sources: [{{inline: x}}], crls: [~]}}\n"),
        Yaml("null pin and rule", $"apiVersion: {Group}\nkind: ClientAuthPolicy\nmetadata: {{name: a}}\nspec: {{trustBundleRef: {{name: b}}, pins: [null], rules: [null]}}\n"),
        Yaml("null hostname", $"apiVersion: {Group}\nkind: ServerCertificate\nmetadata: {{name: a}}\nspec: {{hostnames: [null], selfSigned: {{}}}}\n"),
        Yaml("null server certificate reference", $"apiVersion: {Group}\nkind: MtlsListener\nmetadata: {{name: a}}\nspec: {{serverCertificateRefs: [null], clientAuthPolicyRef: null}}\n"),
        Yaml("null Secret data value", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {tls.crt: null}\n"),
    ];

    private static HostileInput Bundle(string name, string pem, string? crl = null) => new(name, dir =>
    {
        var crls = crl is null ? "" : $"  crls:\n  - inline: |\n{Indent(crl, 6)}";
        File.WriteAllText(Path.Join(dir, "bundle.yaml"), $"apiVersion: {Group}\nkind: TrustBundle\nmetadata: {{name: tb}}\nspec:\n  sources:\n  - inline: |\n{Indent(pem, 6)}{crls}");
        return [];
    });

    private static HostileInput SecretBundle(string name, byte[] der) => new(name, dir =>
    {
        File.WriteAllText(Path.Join(dir, "bundle.yaml"), $"apiVersion: v1\nkind: Secret\nmetadata: {{name: ca}}\ndata: {{ca.crt: {Convert.ToBase64String(der)}}}\n---\n" +
            $"apiVersion: {Group}\nkind: TrustBundle\nmetadata: {{name: tb}}\nspec:\n  sources:\n  - secret: {{name: ca, key: ca.crt}}\n");
        return [];
    });

    private static HostileInput Pin(string name, string pem) => new(name, dir =>
    {
        File.WriteAllText(Path.Join(dir, "bundle.yaml"), $"apiVersion: {Group}\nkind: TrustBundle\nmetadata: {{name: tb}}\nspec:\n  sources:\n  - inline: |\n{Indent(HostileCertificates.GoodCa(), 6)}");
        File.WriteAllText(Path.Join(dir, "policy.yaml"), Policy([$"  - certificate:\n      inline: |\n{Indent(pem, 8)}"]));
        return [];
    });

    private static string Policy(IEnumerable<string> pins, IEnumerable<string>? rules = null) =>
        $"apiVersion: {Group}\nkind: ClientAuthPolicy\nmetadata: {{name: p}}\nspec:\n  trustBundleRef: {{name: tb}}\n  pins:\n{string.Concat(pins)}  rules:\n{string.Concat(rules ?? [])}";

    private static void WriteGoodSet(string dir) =>
        File.WriteAllText(Path.Join(dir, "bundle.yaml"), $"apiVersion: {Group}\nkind: TrustBundle\nmetadata: {{name: tb}}\nspec:\n  sources:\n  - inline: |\n{Indent(HostileCertificates.GoodCa(), 6)}");

    private static string BillionLaughs()
    {
        var sb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        var previous = 'a';
        foreach (var level in "bcdefghi")
        {
            sb.Append(level).Append(": &").Append(level).Append(" [").Append(string.Join(',', Enumerable.Repeat("*" + previous, 9))).Append("]\n");
            previous = level;
        }

        return sb.ToString();
    }

    private static string Indent(string text, int spaces) =>
        string.Concat(text.TrimEnd('\n').Split('\n').Select(line => new string(' ', spaces) + line + "\n"));

    private static byte[] RandomBytes(int seed, int length, byte first)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0] = first;
        return bytes;
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
    }
}
