using System.Text.Json;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.EndpointCheck;

namespace MtlsOperator.Cli.Check;

/// <summary>The check as one JSON document (docs/check.md describes every field).</summary>
internal static class CheckJson
{
    // Relaxed escaping keeps '+' in base64 pins and '>' in messages readable; the output is never embedded in HTML.
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(CheckReport report)
    {
        var (seen, verdict) = (report.Seen, report.Verdict);
        var document = new JsonObject
        {
            ["url"] = report.Url,
            ["connect"] = report.Target.Display,
            ["serverName"] = report.Target.ServerName,
            ["tls"] = seen.TlsVersion is null ? null : new JsonObject { ["version"] = seen.TlsVersion, ["cipher"] = seen.Cipher },
            ["servedChain"] = new JsonArray([.. verdict.Served.Select(Certificate)]),
            ["chainComplete"] = seen.ChainComplete,
            ["hostname"] = verdict.Name is { } name
                ? new JsonObject { ["name"] = name.Name, ["matches"] = name.Matches, ["presented"] = Strings(name.Presented) }
                : null,
            ["trust"] = verdict.Trust is { } trust
                ? new JsonObject
                {
                    ["source"] = trust.Source,
                    ["verified"] = trust.Verified,
                    ["path"] = Strings(trust.Path.Select(c => c.Subject)),
                    ["problem"] = trust.Problem,
                }
                : null,
            ["clientCertificate"] = new JsonObject
            {
                ["requested"] = verdict.Client.Requested,
                ["acceptableIssuers"] = Strings(seen.AcceptableIssuers),
                ["presented"] = verdict.Client.Presented,
                ["admitted"] = verdict.Client.Admitted,
                ["refusal"] = verdict.Client.Refusal,
            },
            ["http"] = seen.HttpStatus is { } status ? new JsonObject { ["status"] = status } : null,
            ["live"] = report.Live is { } live ? Live(live) : null,
            ["failures"] = new JsonArray([.. verdict.Findings.Select(f => (JsonNode)new JsonObject
            {
                ["class"] = CheckFailureNames.Of(f.Failure),
                ["exitCode"] = ExitCodes.Of(f.Failure),
                ["message"] = f.Message,
            })]),
            ["exitCode"] = report.ExitCode,
        };
        return document.ToJsonString(s_indented);
    }

    private static JsonNode Certificate(CertificateValidity served)
    {
        var node = CertificateDescription.Json(served.Certificate);
        node["validNow"] = served.ValidNow;
        return node;
    }

    private static JsonObject Live(LiveComparison live) => new()
    {
        ["listener"] = live.Listener,
        ["matches"] = live.Matches,
        ["notRendered"] = live.NotRendered,
        ["serverCertificate"] = live.ServerCertificate is { } c
            ? new JsonObject
            {
                ["name"] = c.ServerCertificate,
                ["expectedSha256"] = c.ExpectedSha256,
                ["servedSha256"] = c.ServedSha256,
                ["matches"] = c.Matches,
                ["note"] = c.Note,
            }
            : null,
        ["caNames"] = live.CaNames is { } n
            ? new JsonObject
            {
                ["matches"] = n.Matches,
                ["expected"] = Strings(n.Expected),
                ["sent"] = Strings(n.Sent),
                ["missing"] = Strings(n.Missing),
                ["unexpected"] = Strings(n.Unexpected),
            }
            : null,
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
