using System.Globalization;
using MtlsOperator.Engine.EndpointCheck;

namespace MtlsOperator.Cli.Check;

/// <summary>The check as a table a person reads: one section per question, failures last.</summary>
internal static class CheckTable
{
    private const string Indent = "               ";

    public static void Write(TextWriter output, CheckReport report)
    {
        var (seen, verdict) = (report.Seen, report.Verdict);
        output.WriteLine($"endpoint       {report.Url} (connect {report.Target.Display}, SNI {report.Target.ServerName ?? "none"})");
        output.WriteLine($"tls            {(seen.TlsVersion is null ? "no handshake completed" : $"{seen.TlsVersion} {seen.Cipher}")}");
        WriteChain(output, seen, verdict);
        if (verdict.Name is { } name)
        {
            output.WriteLine($"hostname       {name.Name}: {(name.Matches ? "matches" : "DOES NOT MATCH")} (presents {(name.Presented.IsEmpty ? "no names" : string.Join(", ", name.Presented))})");
        }

        if (verdict.Trust is { } trust)
        {
            var path = string.Join(" -> ", trust.Path.Select(c => c.Subject));
            output.WriteLine(trust.Verified switch
            {
                true => $"trust          verified to {trust.Source}: {path}",
                false => $"trust          NOT VERIFIED: {trust.Problem}",
                null => $"trust          {trust.Problem}",
            });
        }

        WriteClient(output, seen, verdict.Client);
        output.WriteLine($"http           {(seen.HttpStatus is { } status ? status.ToString(CultureInfo.InvariantCulture) : "no answer")}");
        if (report.Live is { } live)
        {
            WriteLive(output, live);
        }

        output.WriteLine(verdict.Findings.IsEmpty
            ? "result         OK (exit 0)"
            : $"result         FAILED: {string.Join(", ", verdict.Findings.Select(f => CheckFailureNames.Of(f.Failure)).Distinct())} (exit {report.ExitCode.ToString(CultureInfo.InvariantCulture)})");
        foreach (var finding in verdict.Findings)
        {
            output.WriteLine($"  {finding.Message}");
        }
    }

    private static void WriteChain(TextWriter output, EndpointObservation seen, EndpointVerdict verdict)
    {
        if (seen.ServedChain.IsEmpty)
        {
            output.WriteLine("served chain   none received");
            return;
        }

        var count = seen.ServedChain.Length.ToString(CultureInfo.InvariantCulture);
        output.WriteLine($"served chain   {count} certificate(s), as sent{(seen.ChainComplete ? "" : " (only the leaf: the handshake ended before the chain was checked)")}");
        for (var i = 0; i < verdict.Served.Length; i++)
        {
            var served = verdict.Served[i];
            output.WriteLine($"  [{i.ToString(CultureInfo.InvariantCulture)}]{(i == 0 ? " leaf" : "")}");
            CertificateDescription.Write(output, served.Certificate, "      ");
            output.WriteLine($"      valid now:    {(served.Expired ? "NO, expired" : served.NotYetValid ? "NO, not yet valid" : "yes")}");
        }
    }

    private static void WriteClient(TextWriter output, EndpointObservation seen, ClientVerdict client)
    {
        if (!client.Requested)
        {
            output.WriteLine($"client cert    not requested by the server{(seen.TlsVersion is null && seen.ServedChain.IsEmpty ? " (or not reached)" : "")}");
        }
        else
        {
            output.WriteLine($"client cert    requested; the server names {seen.AcceptableIssuers.Length.ToString(CultureInfo.InvariantCulture)} CA(s):");
            foreach (var issuer in seen.AcceptableIssuers)
            {
                output.WriteLine(Indent + issuer);
            }
        }

        var outcome = client.Admitted switch
        {
            true => "admitted",
            false => "REFUSED: " + client.Refusal,
            null => "not decided (the probe did not get that far)",
        };
        output.WriteLine($"{Indent}{(client.Presented ? "presented a certificate" : "presented none")}: {outcome}");
    }

    private static void WriteLive(TextWriter output, LiveComparison live)
    {
        if (live.NotRendered is { } why)
        {
            output.WriteLine($"live           {live.Listener}: the manifests render nothing ({why})");
            return;
        }

        var certificate = live.ServerCertificate switch
        {
            null => "no server certificate rendered",
            { Matches: null } c => $"server certificate not comparable ({c.Note})",
            { Matches: true } c => $"server certificate is ServerCertificate {c.ServerCertificate}",
            var c => $"server certificate DIFFERS from ServerCertificate {c.ServerCertificate}",
        };
        var names = live.CaNames switch
        {
            null => "CA names not received",
            { Matches: true } n => $"CA names match ({n.Expected.Length.ToString(CultureInfo.InvariantCulture)})",
            _ => "CA names DIFFER",
        };
        output.WriteLine($"live           {live.Listener}: {(live.Matches ? "served = rendered" : "served != rendered")}; {certificate}; {names}");
    }
}
