using System.Text;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Engine.Tests.Serving;

public sealed class EnvoyChangesTests
{
    private static Dictionary<string, byte[]> Files(params (string Key, string Value)[] files) =>
        files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value), StringComparer.Ordinal);

    private static readonly Dictionary<string, byte[]> s_running = Files(
        ("envoy.yaml", "listeners: port 8443"), ("sds-validation.yaml", "pins: [a]"), ("sds-tls-agent.yaml", "cert"), ("tls.crt", "A"), ("tls.key", "K"),
        ("ca.crt", "CA"), ("ca.crl", "CRL1"));

    [Fact]
    public void The_same_content_needs_nothing()
    {
        Assert.Equal(EnvoyChange.None, EnvoyChanges.Between(s_running, new Dictionary<string, byte[]>(s_running)));
    }

    [Theory]
    [InlineData("tls.crt", "renewed")]
    [InlineData("tls.key", "new key")]
    [InlineData("ca.crl", "CRL2 revoking a client")]
    [InlineData("ca.crt", "CA + new intermediate")]
    [InlineData("sds-validation.yaml", "pins: []")]
    public void A_certificate_key_bundle_crl_or_pin_change_is_carried_by_sds(string key, string value)
    {
        var mounted = new Dictionary<string, byte[]>(s_running) { [key] = Encoding.UTF8.GetBytes(value) };

        Assert.Equal(EnvoyChange.Sds, EnvoyChanges.Between(s_running, mounted));
    }

    [Fact]
    public void A_crl_appearing_or_disappearing_without_a_bootstrap_change_is_carried_by_sds()
    {
        var withoutCrl = new Dictionary<string, byte[]>(s_running);
        withoutCrl.Remove("ca.crl");

        Assert.Equal(EnvoyChange.Sds, EnvoyChanges.Between(s_running, withoutCrl));
        Assert.Equal(EnvoyChange.Sds, EnvoyChanges.Between(withoutCrl, s_running));
    }

    [Theory]
    [InlineData("listeners: port 9443")]
    [InlineData("listeners: port 8443, sni chain for tenants")]
    public void Any_bootstrap_change_needs_a_restart_even_with_sds_changes_beside_it(string bootstrap)
    {
        var mounted = new Dictionary<string, byte[]>(s_running) { ["envoy.yaml"] = Encoding.UTF8.GetBytes(bootstrap), ["tls.crt"] = "renewed"u8.ToArray() };

        Assert.Equal(EnvoyChange.Restart, EnvoyChanges.Between(s_running, mounted));
    }

    [Fact]
    public void A_bootstrap_that_disappears_needs_a_restart()
    {
        var mounted = new Dictionary<string, byte[]>(s_running);
        mounted.Remove("envoy.yaml");

        Assert.Equal(EnvoyChange.Restart, EnvoyChanges.Between(s_running, mounted));
    }
}
