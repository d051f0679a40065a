namespace MtlsOperator.Tests.Controller;

/// <summary>Every example folder applied to a cluster converges to what its README documents.</summary>
public sealed class ExampleReadinessTests
{
    public static TheoryData<string> ReadyExamples => new()
    {
        "01-pinned-agent",
        "02-many-to-one-corporate",
        "03-partner-two-way-ssl",
        "04-multi-tenant-sni",
        "05-self-signed-bootstrap",
        "07-csr-flow",
    };

    [Theory]
    [MemberData(nameof(ReadyExamples))]
    public async Task Every_resource_of_a_valid_example_becomes_ready_and_its_listener_output_holds_the_proxy_config(string example)
    {
        await using var fx = await OperatorFixture.StartAsync();
        var resources = await ExampleFolder.ApplyAsync(fx, example);
        fx.StartOperator();

        foreach (var (plural, ns, name) in resources)
        {
            await fx.WaitReadyAsync(plural, name, ns: ns);
        }

        foreach (var (_, ns, name) in resources.Where(r => r.Plural == "mtlslisteners"))
        {
            var listener = (await fx.TryGetCustomAsync("mtlslisteners", ns, name))!;
            var output = await fx.TryGetSecretAsync(ns, (string)listener["status"]!["outputSecret"]!);
            Assert.NotNull(output);
            var config = ((string)listener["spec"]!["proxy"]!).ToUpperInvariant() switch
            {
                "ENVOY" => "envoy.yaml",
                "HAPROXY" => "haproxy.cfg",
                _ => "nginx.conf",
            };
            Assert.Contains(config, output.Data.Keys);
            Assert.Contains("tls.crt", output.Data.Keys);
            Assert.Contains("ca.crt", output.Data.Keys);
        }
    }

    [Fact]
    public async Task The_broken_pin_example_reports_the_policy_and_the_listener_not_ready_and_renders_nothing()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var resources = await ExampleFolder.ApplyAsync(fx, "06-broken-pin-in-wrong-field");
        fx.StartOperator();

        // As its README says: the problem is reported where it is, the rest stays Ready.
        foreach (var (plural, ns, name) in resources)
        {
            await fx.WaitReadyAsync(plural, name, plural is "clientauthpolicies" or "mtlslisteners" ? "False" : "True", ns);
        }

        var (_, policyNs, policyName) = resources.Single(r => r.Plural == "clientauthpolicies");
        var policy = await fx.StatusAsync("clientauthpolicies", policyName, policyNs);
        Assert.Contains("spec.pins[1]", policy!["problems"]!.ToJsonString(), StringComparison.Ordinal);
        var (_, listenerNs, listenerName) = resources.Single(r => r.Plural == "mtlslisteners");
        var listener = await fx.StatusAsync("mtlslisteners", listenerName, listenerNs);
        Assert.Equal("ClientAuthPolicyNotReady", (string?)(await fx.ReadyAsync("mtlslisteners", listenerName, listenerNs))!["reason"]);
        Assert.Null(await fx.TryGetSecretAsync(listenerNs, (string)listener!["outputSecret"]!));
    }
}
