using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MtlsOperator.Cli;
using MtlsOperator.Engine.EndpointCheck;

namespace MtlsOperator.Tests.Cli;

/// <summary><c>check</c>'s contract with its readers: bad input exits 2 before anything is probed, and every exit code and JSON
/// field is documented in docs/check.md. (Its behaviour against real proxies: tests/MtlsOperator.ProxyTests/Check.)</summary>
public sealed class CheckCommandTests
{
    private static readonly string s_doc = File.ReadAllText(RepositoryRoot.Combine("docs", "check.md"));

    [Theory]
    [InlineData("http://example.com/")]
    [InlineData("https://")]
    [InlineData("https://example.com/", "--tls", "1.1")]
    [InlineData("https://example.com/", "--key", "client.key")]
    [InlineData("https://example.com/", "--listener", "x")]
    [InlineData("https://example.com/", "--ca", "/nonexistent/ca.pem")]
    [InlineData("https://example.com/", "--sni", "10.0.0.1")]
    [InlineData("https://example.com/", "--timeout", "forever")]
    [InlineData("https://a.example/", "https://b.example/")]
    public void Bad_input_exits_2_with_the_reason(params string[] args)
    {
        var (exit, _, stderr) = CliRunner.Run(["check", .. args]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_failure_class_has_its_own_documented_exit_code()
    {
        var classes = Enum.GetValues<CheckFailure>();
        Assert.Equal(classes.Length, classes.Select(c => ExitCodes.Of(c)).Distinct().Count());
        foreach (var failure in classes)
        {
            var row = $"| {ExitCodes.Of(failure).ToString(CultureInfo.InvariantCulture)} | `{CheckFailureNames.Of(failure)}` |";
            Assert.Contains(row, s_doc, StringComparison.Ordinal);
            Assert.Contains($"{ExitCodes.Of(failure).ToString(CultureInfo.InvariantCulture)} ", MtlsOperator.Cli.Check.CheckCommand.Usage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_field_of_the_JSON_document_is_documented()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var (exit, stdout, _) = CliRunner.Run("check", $"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/", "--json", "--timeout", "20s");

        Assert.Equal(ExitCodes.ConnectionRefused, exit);
        var document = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal(ExitCodes.ConnectionRefused, (int)document["exitCode"]!);
        foreach (var (field, _) in document)
        {
            Assert.Contains($"| `{field}` |", s_doc, StringComparison.Ordinal);
        }
    }
}
