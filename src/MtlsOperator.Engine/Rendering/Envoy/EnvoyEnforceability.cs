using System.Text.RegularExpressions;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Rendering.Envoy;

/// <summary>Everything about a listener Envoy cannot enforce exactly, phrased for a status message. Fail closed: any
/// finding stops rendering, so nothing here may be "probably fine".</summary>
internal static partial class EnvoyEnforceability
{
    public static IReadOnlyList<string> Find(ListenerRenderModel model)
    {
        var problems = new List<string>();
        RenderInputCheck.CheckShape(model, problems);
        CheckAdmission(model, problems);
        CheckRevocation(model, problems);
        CheckFiles(model, problems);
        if (model.ForwardIdentityHeader is { } header && header.Equals("host", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("Envoy may not set or remove the host header; choose another identity header");
        }

        return problems;
    }

    private static void CheckAdmission(ListenerRenderModel model, List<string> problems)
    {
        var pins = model.Pins.IsDefault ? [] : model.Pins;
        var rules = model.Rules.IsDefault ? [] : model.Rules;
        if (!model.Paths.IsDefaultOrEmpty)
        {
            CheckPaths(model, problems);
            return;
        }

        if (pins.IsEmpty && rules.IsEmpty)
        {
            problems.Add("no pins and no rules: Envoy would admit every client of the trust bundle");
        }

        // Envoy ANDs the hash/SPKI lists with the SAN matchers, while the model admits a client matching a pin OR a rule.
        // Separate filter chains cannot help: a chain is chosen before the client certificate is seen.
        if (!pins.IsEmpty && !rules.IsEmpty)
        {
            problems.Add("pins and rules together: Envoy requires a client to match both a pin and a SAN rule, the policy " +
                "admits a client matching either; use pins only or rules only with Envoy, or the haproxy/nginx proxy");
        }

        foreach (var pin in pins)
        {
            CheckPin(pin, problems);
        }

        foreach (var rule in rules)
        {
            CheckRule(rule, problems);
        }
    }

    /// <summary>Envoy decides per path with RBAC on the certificate's SHA-256 (the only certificate detail a request carries in a form
    /// RBAC can match exactly): SHA-256 pins only, in every scope.</summary>
    private static void CheckPaths(ListenerRenderModel model, List<string> problems)
    {
        RenderInputCheck.CheckPaths(model, problems);
        var scopes = model.Paths.Select(p => (Name: "path " + p.Prefix, p.Pins, p.Rules)).Prepend(("the policy's own pins and rules", model.Pins, model.Rules));
        foreach (var (name, pins, rules) in scopes)
        {
            if (!rules.IsDefaultOrEmpty)
            {
                problems.Add($"{name}: Envoy applies per-path rules with RBAC on the client certificate's SHA-256 and cannot match issuer, " +
                    "subject or SAN rules per path; pin the certificates (spec.paths[].pins), or use the haproxy/nginx proxy");
            }

            foreach (var pin in pins.IsDefault ? [] : pins)
            {
                if (pin.Algorithm != PinAlgorithm.Sha256)
                {
                    problems.Add($"{name}: a {PinNames.Of(pin.Algorithm)} pin cannot be checked per path by Envoy (only the SHA-256 of the certificate " +
                        $"reaches its RBAC filter); {RenderInputCheck.PinAdvice}");
                }
                else
                {
                    CheckPin(pin, problems);
                }
            }
        }
    }

    private static void CheckPin(CertificatePin pin, List<string> problems)
    {
        switch (pin.Algorithm)
        {
            case PinAlgorithm.Sha1:
                problems.Add($"SHA-1 pin {pin.Value}: Envoy only pins the SHA-256 of a certificate or of its public key; " +
                    RenderInputCheck.PinAdvice);
                break;
            case PinAlgorithm.Sha256 when !Sha256Hex().IsMatch(pin.Value):
                problems.Add($"SHA-256 pin {pin.Value} is not 64 lowercase hex digits");
                break;
            case PinAlgorithm.SpkiSha256 when !IsBase64Sha256(pin.Value):
                problems.Add($"SPKI SHA-256 pin {pin.Value} is not the base64 of 32 bytes");
                break;
        }
    }

    // Envoy's validation context matches SANs only. Network RBAC's authenticated.principal_name is no substitute for
    // DN rules: it compares the URI SAN, else the DNS SAN, and falls back to the subject only when neither exists, and
    // nothing in Envoy's validation or RBAC exposes the issuer, so a subject/issuer rule cannot be enforced as written.
    private static void CheckRule(ClientMatchRule rule, List<string> problems)
    {
        var text = Describe(rule);
        if (rule.Issuer is not null || rule.Subject is not null)
        {
            problems.Add($"rule {text}: Envoy cannot match a client's issuer or subject DN (only its SANs); " +
                "use a dnsName/uri rule, pins, or the haproxy/nginx proxy");
        }
        else if (rule.DnsName is not null && rule.Uri is not null)
        {
            problems.Add($"rule {text}: Envoy admits a client matching ANY of its SAN matchers, so a rule requiring a DNS " +
                "SAN AND a URI SAN cannot be expressed; split it or use one SAN per rule");
        }
        else if (rule.DnsName is null && rule.Uri is null)
        {
            problems.Add("an empty rule would admit every client of the trust bundle");
        }
        else if (rule.DnsName is { } dns && !ServerNamePattern().IsMatch(dns))
        {
            problems.Add($"rule {text}: not a DNS name (a literal '*.' wildcard SAN is allowed)");
        }
        else if (rule.Uri is { } uri && (uri.Length == 0 || uri.Any(char.IsControl)))
        {
            problems.Add($"rule {text}: URI is empty or contains control characters");
        }
    }

    private static void CheckRevocation(ListenerRenderModel model, List<string> problems)
    {
        if (model.CrlFile is null || model.CasWithoutCrl.IsDefaultOrEmpty || model.CrlsRevokeOnlyLeaves)
        {
            return;
        }

        problems.Add("CRLs are checked but these CAs have none: " + string.Join("; ", model.CasWithoutCrl) +
            ". Envoy would then reject every client of their chains, and checking only the client certificate " +
            "(only_verify_leaf_cert_crl) would ignore a CRL that revokes an intermediate CA; add a CRL for each CA, " +
            "or turn revocation off");
    }

    // Certificate names become SDS secret and file names; the Secret keys must not collide with the files rendered here.
    private static void CheckFiles(ListenerRenderModel model, List<string> problems)
    {
        var certificates = model.ServerCertificates.IsDefault ? [] : model.ServerCertificates;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in certificates)
        {
            if (!ResourceName().IsMatch(c.Name) || !names.Add(c.Name))
            {
                problems.Add($"server certificate name '{c.Name}' is not a unique DNS-1123 name");
            }
        }

        var keys = certificates.SelectMany(c => new[] { c.CertificateFile, c.KeyFile }).Append(model.CaFile);
        foreach (var key in model.CrlFile is null ? keys : keys.Append(model.CrlFile))
        {
            if (key == EnvoyNames.ConfigFile || key.StartsWith("sds-", StringComparison.Ordinal))
            {
                problems.Add($"Secret key '{key}' collides with a file the Envoy renderer writes");
            }
        }
    }

    private static bool IsBase64Sha256(string value)
    {
        Span<byte> buffer = stackalloc byte[33];
        return value.Length == 44 && Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }

    private static string Describe(ClientMatchRule rule) => string.Join(", ", new[]
    {
        rule.Issuer is null ? null : "issuer=" + rule.Issuer,
        rule.Subject is null ? null : "subject=" + rule.Subject,
        rule.DnsName is null ? null : "dnsName=" + rule.DnsName,
        rule.Uri is null ? null : "uri=" + rule.Uri,
    }.Where(s => s is not null));

    [GeneratedRegex(@"^[0-9a-f]{64}\z")]
    private static partial Regex Sha256Hex();

    private const string Label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

    [GeneratedRegex(@"^(?:\*\.)?" + Label + @"(?:\." + Label + @")*\z")]
    private static partial Regex ServerNamePattern();

    [GeneratedRegex(@"^[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\z")]
    private static partial Regex ResourceName();
}
