using System.Text.Json.Nodes;
using k8s;
using MtlsOperator.Tests.Cli;
using TestApiServer;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>Private keys never leave the Secrets they belong in: not into events, statuses or logs, whatever goes wrong.</summary>
public sealed class KeyMaterialTests
{
    [Fact]
    public async Task No_private_key_appears_in_any_event_status_or_log_line_even_when_inputs_carry_keys_in_the_wrong_places()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var manifests = new ListenerManifests();
        var stranger = manifests.Root.IssueServer("other.example.com");
        var keys = new[] { PemExport.PrivateKey(manifests.Server), PemExport.PrivateKey(stranger), PemExport.EcPrivateKey(manifests.Client) };

        // A working listener (its key flows through the operator), a certificate paired with the wrong key, a key
        // pasted where certificates belong, and a truncated key.
        var mismatched = Manifests.TlsSecret("apps", "mismatched-tls", manifests.Server);
        mismatched["stringData"]!["tls.key"] = keys[1];
        var truncated = Manifests.TlsSecret("apps", "truncated-tls", stranger);
        truncated["stringData"]!["tls.key"] = keys[1][..(keys[1].Length / 2)];
        await fx.ApplyAsync(manifests.Yaml());
        await fx.ApplyAsync(
            mismatched,
            Manifests.ServerCertificate("apps", "mismatched", "mismatched-tls", "agent.example.com"),
            truncated,
            Manifests.ServerCertificate("apps", "truncated", "truncated-tls", "other.example.com"),
            Manifests.InlineBundle("apps", "pasted-key", PemExport.Certificate(manifests.Root.Certificate) + keys[2]));

        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitReadyAsync("servercertificates", "mismatched", "False");
        await fx.WaitReadyAsync("servercertificates", "truncated", "False");
        await OperatorFixture.Eventually(async () => await fx.ReadyAsync("trustbundles", "pasted-key") is not null, "the bundle with a pasted key is evaluated");
        await fx.WaitSettledAsync(host);

        var statuses = MtlsOperatorResources.All.SelectMany(r => fx.Server.Store.List(r)).Select(o => o["status"]?.ToJsonString() ?? "");
        var events = (await fx.Client.CoreV1.ListNamespacedEventAsync("apps")).Items.Select(e => $"{e.Reason} {e.Message}");
        var everything = statuses.Concat(events).Concat(fx.Log.Lines).ToList();
        Assert.NotEmpty(fx.Log.Lines);
        var keyLines = keys.SelectMany(k => k.Split('\n')).Where(l => l.Length > 16 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
        foreach (var text in everything)
        {
            Assert.DoesNotContain("PRIVATE KEY-----", text, StringComparison.Ordinal);
            Assert.DoesNotContain(keyLines, line => text.Contains(line, StringComparison.Ordinal));
        }
    }
}
