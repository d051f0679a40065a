using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;
using MtlsOperator.Engine.Serving;
using MtlsOperator.Engine.Tests.Rendering;

namespace MtlsOperator.Engine.Tests.Serving;

public sealed class MountPathRewriteTests
{
    private const string Snapshot = "/run/mtls/versions/3";

    private static readonly string[] s_keys =
        ["tls.crt", "tls.key", "tls.crt.key", "sni-tenants.crt", "sni-tenants.key", "sni-tenants.crt.key", "sni-legacy.crt", "sni-legacy.key",
         "sni-legacy.crt.key", "ca.crt", "ca.crl", "haproxy.cfg", "haproxy.crt-list", "nginx.conf"];

    public static TheoryData<string> Renderers => new() { "haproxy", "nginx" };

    [Theory]
    [MemberData(nameof(Renderers))]
    public void Every_file_reference_of_a_rendered_config_moves_to_the_snapshot_and_nothing_else_changes(string proxy)
    {
        IProxyRenderer renderer = proxy == "haproxy" ? new HaproxyRenderer() : new NginxRenderer();
        var model = SampleModels.RulesWithSni();
        foreach (var (key, text) in renderer.Render(model))
        {
            var rewritten = MountPathRewrite.Rewrite(text, model.MountPath, Snapshot, s_keys);

            Assert.DoesNotContain(model.MountPath + "/", rewritten.Replace("-f /etc/mtls/", "", StringComparison.Ordinal).Replace("-c /etc/mtls/", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Equal(text, rewritten.Replace(Snapshot + "/", model.MountPath + "/", StringComparison.Ordinal));
            foreach (var referenced in s_keys.Where(k => text.Contains(model.MountPath + "/" + k + ";", StringComparison.Ordinal) || text.Contains(model.MountPath + "/" + k + " ", StringComparison.Ordinal)))
            {
                Assert.Contains(Snapshot + "/" + referenced, rewritten, StringComparison.Ordinal);
            }

            Assert.True(key.Length > 0);
        }
    }

    [Fact]
    public void A_path_that_merely_starts_like_a_key_or_lies_under_another_directory_is_left_alone()
    {
        const string text = "crt /etc/mtls/tls.crt.bak ca-file /etc/mtls2/ca.crt crl /x/etc/mtls/ca.crl key /etc/mtls/tls.key\n";

        Assert.Equal(
            "crt /etc/mtls/tls.crt.bak ca-file /etc/mtls2/ca.crt crl /x/etc/mtls/ca.crl key /run/s/tls.key\n",
            MountPathRewrite.Rewrite(text, "/etc/mtls/", "/run/s", s_keys));
    }

    /// <summary>Fail closed: a client rule that mentions the mount path (in any form a policy can spell it) renders to the same
    /// admission lines before and after the rewrite.</summary>
    [Theory]
    [MemberData(nameof(Renderers))]
    public void Client_rules_that_spell_out_the_mount_path_and_keys_are_never_rewritten(string proxy)
    {
        var seed = Environment.GetEnvironmentVariable("MOUNT_REWRITE_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 3307;
        var random = new Random(seed);
        IProxyRenderer renderer = proxy == "haproxy" ? new HaproxyRenderer() : new NginxRenderer();
        string[] pieces = ["/etc/mtls/", "/etc/mtls/tls.crt", " /etc/mtls/ca.crt", "tls.crt", "=", " ", "'", "\"", ";", "a", "*"];
        for (var i = 0; i < 200; i++)
        {
            var value = string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => pieces[random.Next(pieces.Length)])).Trim();
            value = value.Replace("\"", "", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal);
            if (value.Length == 0 || value.StartsWith('*'))
            {
                value = "x" + value;
            }

            var model = SampleModels.Pinned() with { Pins = [], Rules = [new ClientMatchRule(null, $"CN={value.Replace(",", "\\,", StringComparison.Ordinal)},O=Corp", null, null)] };
            if (renderer.FindUnenforceable(model).Count > 0)
            {
                continue;
            }

            foreach (var (_, text) in renderer.Render(model))
            {
                var admission = AdmissionLines(text);
                Assert.True(admission.SequenceEqual(AdmissionLines(MountPathRewrite.Rewrite(text, model.MountPath, Snapshot, s_keys))),
                    $"seed {seed} (replay with MOUNT_REWRITE_SEED), rule subject {value}");
            }
        }
    }

    private static List<string> AdmissionLines(string config) =>
        config.Split('\n').Where(l => l.Contains("acl ", StringComparison.Ordinal) || l.Contains("\"~", StringComparison.Ordinal)).ToList();
}
