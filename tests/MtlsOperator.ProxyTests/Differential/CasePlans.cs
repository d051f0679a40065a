using System.Collections.Immutable;
using CsCheck;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>The CsCheck generator of differential cases: random but valid PKIs (several roots, intermediates, same-named CAs,
/// CAs outside the bundle, weak keys and SHA-1 signatures, bad validity, EKU and key usage variants, revocations, CRLs in
/// several shapes) and random policies over them (pins of every kind and spelling, rules, revocation modes).</summary>
public sealed class CasePlans(Dimensions dimensions) : Gen<CasePlan>
{
    private static readonly string[] s_caNames =
    [
        "CN=Corp Root,O=Corp", "CN=Partner Root,O=Partner", "CN=Corp Issuing CA,O=Corp", "CN=Team CA,OU=Ops,O=Corp",
        "CN=Ünïcode CA,O=Exämple", "CN=Comma\\, Inc CA,O=Comma",
    ];

    private static readonly string[] s_valuePieces =
    [
        "alice", "bob", "svc", "billing", "x", "42", "Ops", ",", "+", "\"", "\\", "<", ">", ";", "=", "*", "é", "ß", "日本", "'", "/", "-", ".", " ",
    ];

    /// <summary>The case with <paramref name="index"/> of the run with <paramref name="seed"/>: the same pair gives the same case.</summary>
    public CasePlan For(ulong seed, int index) => Generate(new PCG((uint)index, seed), null, out _) with { Index = index };

    public override CasePlan Generate(PCG pcg, Size? min, out Size size)
    {
        size = new Size(0);
        var d = new Draw(pcg);
        var cas = new List<CaPlan>();
        var roots = d.Frequency((50, 1), (35, 2), (15, 3));
        for (var i = 0; i < roots; i++)
        {
            cas.Add(Ca(d, parent: -1, Name(d, cas)));
        }

        var intermediates = d.Int(0, 3);
        for (var i = 0; i < intermediates; i++)
        {
            cas.Add(Ca(d, parent: d.Int(0, cas.Count - 1), Name(d, cas)));
        }

        var clients = new List<ClientPlan>();
        var clientCount = d.Int(2, 5);
        for (var i = 0; i < clientCount; i++)
        {
            clients.Add(Client(d, cas.Count, clients));
        }

        var crls = new List<CrlPlan>();
        for (var i = 0; i < cas.Count; i++)
        {
            if (cas[i].InBundle && d.Chance(0.8))
            {
                crls.Add(new CrlPlan(i, d.Chance(0.03) ? d.Pick([Validity.Expired, Validity.NotYetValid]) : Validity.Current,
                    dimensions.SameSecondCrls && d.Chance(0.1), dimensions.DeltaCrls && d.Chance(0.06)));
            }
        }

        var pins = new List<PinPlan>();
        var pinCount = d.Int(0, 3);
        for (var i = 0; i < pinCount; i++)
        {
            var target = d.Chance(0.1) ? -1 : d.Int(0, clients.Count - 1);
            if (!dimensions.RenewalsBothPinned && target >= 0 && pins.Any(p => p.Client >= 0 && SameKey(clients, p.Client, target)))
            {
                continue;
            }

            pins.Add(new PinPlan(target, d.Frequency(
                (30, PinSpelling.Certificate), (12, PinSpelling.Sha1UpperColons), (12, PinSpelling.Sha1Lower), (10, PinSpelling.Sha256UpperColons),
                (10, PinSpelling.Sha256Lower), (2, PinSpelling.SpkiHpkp), (2, PinSpelling.SpkiBase64))));
        }

        var rules = new List<RulePlan>();
        var ruleCount = pins.Count == 0 ? d.Int(1, 3) : d.Int(0, 3);
        for (var i = 0; i < ruleCount; i++)
        {
            var withIssuer = d.Chance(0.5);
            var subject = d.Frequency((withIssuer ? 15 : 0, SubjectPattern.Absent), (38, SubjectPattern.Exact), (25, SubjectPattern.CommonNameWildcard),
                (15, SubjectPattern.CommonNamePrefixWildcard), (7, SubjectPattern.Stranger));
            rules.Add(new RulePlan(d.Int(0, clients.Count - 1), withIssuer, subject, d.Chance(0.3), d.Chance(0.2), d.Chance(0.4)));
        }

        var plan = new CasePlan(0, [.. cas], [.. clients], [.. crls], [.. pins], [.. rules],
            d.Frequency((45, "Auto"), (30, "Required"), (25, "Disabled")), d.Chance(0.4) ? "X-Client-Subject" : null, d.Chance(0.15));

        // Drawn after everything else, so the cases of a seed without paths stay what they were.
        return dimensions.Paths && d.Chance(0.3) ? WithPaths(d, plan) : plan;
    }

    /// <summary>1-3 path prefixes with pins and rules aimed at the case's clients, sometimes no pins and rules of the policy's own, and
    /// three request targets per case: canonical and hostile spellings of the prefixes (case, suffixes, '//', dot segments, escapes, ';').</summary>
    private static CasePlan WithPaths(Draw d, CasePlan plan)
    {
        var prefixes = new List<string>();
        var count = d.Int(1, 3);
        while (prefixes.Count < count)
        {
            var prefix = d.Pick(s_prefixes);
            if (!prefixes.Contains(prefix, StringComparer.OrdinalIgnoreCase))
            {
                prefixes.Add(prefix);
            }
        }

        var paths = prefixes.Select(prefix =>
        {
            var pins = Enumerable.Range(0, d.Int(0, 2)).Select(_ => new PinPlan(d.Int(0, plan.Clients.Length - 1),
                d.Frequency((40, PinSpelling.Certificate), (30, PinSpelling.Sha1Lower), (30, PinSpelling.Sha256Lower)))).ToList();
            var rules = Enumerable.Range(0, pins.Count == 0 ? d.Int(1, 2) : d.Int(0, 1)).Select(_ =>
                new RulePlan(d.Int(0, plan.Clients.Length - 1), d.Chance(0.5), d.Frequency((40, SubjectPattern.Exact), (30, SubjectPattern.CommonNameWildcard), (15, SubjectPattern.Absent)),
                    false, false, false)).Where(r => r.WithIssuer || r.Subject != SubjectPattern.Absent).ToList();
            if (pins.Count == 0 && rules.Count == 0)
            {
                rules.Add(new RulePlan(d.Int(0, plan.Clients.Length - 1), false, SubjectPattern.Exact, false, false, false));
            }

            return new PathPlan(prefix, [.. pins], [.. rules]);
        }).ToList();
        var targets = Enumerable.Range(0, 3).Select(_ => Target(d, d.Pick(prefixes))).ToList();
        var ownDenied = d.Chance(0.25);
        return plan with
        {
            Pins = ownDenied ? [] : plan.Pins,
            Rules = ownDenied ? [] : plan.Rules,
            Paths = [.. paths],
            Targets = [.. targets],
        };
    }

    private static readonly string[] s_prefixes = ["/admin", "/api", "/api/v1", "/Ops-Tools", "/v1.2"];

    private static string Target(Draw d, string prefix) => d.Int(0, 15) switch
    {
        0 => prefix,
        1 => prefix + "/x?y=1",
        2 => prefix.ToUpperInvariant() + "/",
        3 => prefix + ".json",
        4 => prefix + "x",
        5 => "/" + prefix,
        6 => "/." + prefix,
        7 => "/x/.." + prefix,
        8 => prefix[..2] + "%" + ((int)prefix[2]).ToString("X2", System.Globalization.CultureInfo.InvariantCulture) + prefix[3..],
        9 => prefix + ";a=1",
        10 => prefix + "%2Fx",
        11 => "/other" + prefix,
        12 => "/other?" + prefix,
        13 => prefix + "?x=/../",
        14 => "http://api.test" + prefix,
        _ => "/",
    };

    /// <summary>Mostly a name no other CA of the case has; sometimes one it has (same-named CAs, from other roots or below themselves).</summary>
    private static string Name(Draw d, List<CaPlan> earlier)
    {
        var unused = s_caNames.Where(n => earlier.All(c => c.Subject != n)).ToList();
        return earlier.Count > 0 && (unused.Count == 0 || d.Chance(0.15)) ? d.Pick(earlier).Subject : d.Pick(unused);
    }

    private static bool SameKey(List<ClientPlan> clients, int a, int b)
    {
        int Origin(int i) => clients[i].RenewalOf >= 0 ? Origin(clients[i].RenewalOf) : i;
        return a != b && Origin(a) == Origin(b);
    }

    private static CaPlan Ca(Draw d, int parent, string subject) => new(
        parent,
        subject,
        d.Frequency((84, KeyKind.EcP256), (6, KeyKind.EcP384), (7, KeyKind.Rsa2048), (3, KeyKind.WeakRsa1024)),
        d.Frequency((91, SignatureHash.Sha256), (6, SignatureHash.Sha384), (3, SignatureHash.WeakSha1)),
        d.Chance(0.05) ? d.Pick([Validity.Expired, Validity.NotYetValid]) : Validity.Current,
        // pathLenConstraint 0 is common: it is also what lets an issuer rule be bound to one CA when the bundle has others.
        parent < 0 ? d.Frequency((60, (int?)null), (25, (int?)0), (15, (int?)1)) : d.Frequency((35, (int?)null), (50, (int?)0), (15, (int?)1)),
        d.Frequency((86, KeyPurpose.None), (8, KeyPurpose.ClientAuth), (3, KeyPurpose.ServerAuthOnly), (3, KeyPurpose.AnyExtendedKeyUsageOnly)),
        d.Chance(0.03),
        d.Chance(0.03),
        d.Chance(0.9),
        parent >= 0 && d.Chance(0.08));

    private ClientPlan Client(Draw d, int caCount, List<ClientPlan> earlier)
    {
        var rdns = ImmutableArray.CreateBuilder<(string, string)>();
        if (d.Chance(0.2))
        {
            rdns.Add(("C", d.Pick<string>(["DE", "US", "FR"])));
        }

        if (d.Chance(0.7))
        {
            rdns.Add(("O", d.Pick(["Corp", "Partner", "Ex, Inc", "Ärger AG"])));
        }

        if (d.Chance(0.4))
        {
            rdns.Add(("OU", d.Pick(["Payments", "Ops", "Staff+Guests", "R&D"])));
        }

        rdns.Add(("CN", Value(d)));
        var renewalOf = earlier.Count > 0 && d.Chance(0.15) ? d.Int(0, earlier.Count - 1) : -1;
        return new ClientPlan(
            renewalOf >= 0 ? earlier[renewalOf].Issuer : d.Int(0, caCount - 1),
            renewalOf >= 0 ? earlier[renewalOf].SubjectRdns : rdns.ToImmutable(),
            renewalOf >= 0 ? earlier[renewalOf].Key : d.Frequency((85, KeyKind.EcP256), (4, KeyKind.EcP384), (7, KeyKind.Rsa2048), (4, KeyKind.WeakRsa1024)),
            d.Frequency((92, SignatureHash.Sha256), (5, SignatureHash.Sha384), (3, SignatureHash.WeakSha1)),
            d.Chance(0.08) ? d.Pick([Validity.Expired, Validity.NotYetValid]) : Validity.Current,
            d.Frequency((12, KeyPurpose.None), (80, KeyPurpose.ClientAuth), (5, KeyPurpose.ServerAuthOnly), (3, KeyPurpose.AnyExtendedKeyUsageOnly)),
            d.Chance(0.03),
            d.Chance(0.12),
            d.Chance(0.5),
            renewalOf);
    }

    private string Value(Draw d)
    {
        var pieces = d.Int(1, 4);
        var value = string.Concat(Enumerable.Range(0, pieces).Select(_ => d.Pick(s_valuePieces)));
        if (!dimensions.LiteralStarRules)
        {
            value = value.Replace("*", "x", StringComparison.Ordinal);
        }

        if (d.Chance(0.05))
        {
            value = "#" + value;
        }

        return value;
    }

    /// <summary>Draws from CsCheck generators with one PCG, so a case is a pure function of (seed, index).</summary>
    private sealed class Draw(PCG pcg)
    {
        public int Int(int low, int high) => Gen.Int[low, high].Generate(pcg, null, out _);

        // Gen.Double leans to the ends of its range (to find edge cases); a chance needs a uniform draw.
        public bool Chance(double p) => Int(0, 9999) < p * 10000;

        public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count - 1)];

        public T Frequency<T>(params (int Weight, T Value)[] choices) => Gen.Frequency(choices.Where(c => c.Weight > 0).ToArray()).Generate(pcg, null, out _);
    }
}
