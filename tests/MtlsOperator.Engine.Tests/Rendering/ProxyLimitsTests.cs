using System.Text.RegularExpressions;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;

namespace MtlsOperator.Engine.Tests.Rendering;

/// <summary>Renders stay within what each proxy's config parser accepts (HAProxy: 64 words per line, 2048 words per crt-list line;
/// nginx: 4095 bytes per parameter), or the renderer refuses naming the limit. Loading is proved against the real proxies by
/// <c>RenderedConfigLoadsTests</c> in the proxy tests.</summary>
public sealed partial class ProxyLimitsTests
{
    private static ListenerRenderModel WithRules(int count) => SampleModels.Pinned() with
    {
        Rules = [.. Enumerable.Range(0, count).Select(i => new ClientMatchRule("CN=Corp Issuing CA,O=Corp", $"CN=*,OU=Team {i},O=Corp", null, null))],
    };

    [Fact]
    public void Haproxy_keeps_every_line_within_64_words_whatever_the_number_of_rules()
    {
        var config = new HaproxyRenderer().Render(WithRules(300))["haproxy.cfg"];

        Assert.All(config.Split('\n'), line => Assert.True(Words(line) <= 64, $"{Words(line)} words: {line}"));
        Assert.Equal(301, Regex.Count(config, @"http-request set-var\(txn\.mtls_admitted\) bool\(true\) if "));
    }

    [Fact]
    public void Haproxy_spreads_many_sni_names_of_one_certificate_over_several_crt_list_lines()
    {
        var names = Enumerable.Range(0, 450).Select(i => $"h{i}.example.com").ToList();
        var model = SampleModels.Pinned() with
        {
            ServerCertificates = [new ServerCertificateFiles("agent", ["agent.example.com"], "tls.crt", "tls.key"), new ServerCertificateFiles("many", names, "sni-many.crt", "sni-many.key")],
        };

        var lines = new HaproxyRenderer().Render(model)[HaproxyRenderer.CrtListFileName].TrimEnd('\n').Split('\n');

        Assert.Equal("/etc/mtls/tls.crt agent.example.com", lines[0]);
        Assert.Equal(3, lines.Count(l => l.StartsWith("/etc/mtls/sni-many.crt ", StringComparison.Ordinal)));
        Assert.All(lines, l => Assert.True(Words(l) <= 201, l));
        Assert.Equal(names, lines.Skip(1).SelectMany(l => l.Split(' ').Skip(1)));
    }

    [Fact]
    public void Nginx_matches_a_rule_too_long_for_one_parameter_with_one_map_per_half()
    {
        var value = new string('\u4e2d', 64);
        var model = SampleModels.Pinned() with
        {
            Rules = [new ClientMatchRule($"CN={value},OU={value},O=Corp", $"CN={value},OU={value},O=Corp", null, null)],
        };
        var renderer = new NginxRenderer();

        Assert.Empty(renderer.FindLimitsExceeded(model));
        var config = renderer.Render(model)["nginx.conf"];
        Assert.All(Tokens(config), t => Assert.True(t.Length <= NginxRuleMaps.MaxParameterBytes, $"{t.Length}-byte token"));
        Assert.Contains("map $ssl_client_i_dn $mtls_rule0_issuer {", config, StringComparison.Ordinal);
        Assert.Contains("map $ssl_client_s_dn $mtls_rule0 {", config, StringComparison.Ordinal);
        Assert.Contains(" $mtls_rule0_issuer;\n", config, StringComparison.Ordinal);
        Assert.Contains("map \"$mtls_pinned$mtls_rule_matched$mtls_rule0\" $mtls_admitted {", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Nginx_refuses_a_name_whose_regex_alone_exceeds_the_parameter_limit_and_says_what_to_change()
    {
        var value = new string('\u4e2d', 64);
        var model = SampleModels.Pinned() with
        {
            Rules = [new ClientMatchRule(null, $"CN={value},OU={value},OU={value}2,O={value}", null, null)],
        };

        var reason = Assert.Single(new NginxRenderer().FindLimitsExceeded(model));
        Assert.Contains("4095 bytes", reason, StringComparison.Ordinal);
        Assert.Contains("'*'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Short_rules_share_one_map_as_before()
    {
        var config = new NginxRenderer().Render(WithRules(3))["nginx.conf"];
        Assert.DoesNotContain("$mtls_rule0", config, StringComparison.Ordinal);
        Assert.Contains("map \"$mtls_pinned$mtls_rule_matched\" $mtls_admitted {", config, StringComparison.Ordinal);
    }

    private static int Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>nginx parameters: quoted strings or runs of non-space characters.</summary>
    private static IEnumerable<string> Tokens(string config) => Token().Matches(config).Select(m => m.Value);

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s\"]+")]
    private static partial Regex Token();
}
