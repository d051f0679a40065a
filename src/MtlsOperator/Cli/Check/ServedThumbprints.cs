using System.Globalization;
using System.Security.Authentication;
using MtlsOperator.Engine.EndpointCheck;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Cli.Check;

/// <summary><c>thumbprint --connect HOST:PORT</c>: the pins of every certificate an endpoint serves, in the order served, from one
/// real handshake (the same probe as <c>check</c>, without a request).</summary>
internal sealed class ServedThumbprints(TextWriter stdout, TextWriter stderr)
{
    public int Run(IReadOnlyList<string> args)
    {
        var options = CommandLine.Parse(args, ["--connect", "--sni", "--timeout", "--tls"], []);
        if (options.Error is not null || options.Positionals.Count > 0 || options.Value("--connect") is not { } endpoint)
        {
            stderr.WriteLine($"error: {options.Error ?? "--connect HOST:PORT takes no files"}");
            stderr.WriteLine(ThumbprintCommand.Usage);
            return ExitCodes.BadInput;
        }

        EndpointTarget target;
        TimeSpan timeout;
        SslProtocols protocols;
        try
        {
            protocols = CheckCommand.ProtocolsOf(options.Value("--tls"));
            target = EndpointTarget.FromHostPort(endpoint, options.Value("--sni"));
            timeout = options.Value("--timeout") is { } t ? Duration.Parse("--timeout", t) : TimeSpan.FromSeconds(10);
        }
        catch (FormatException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }

        var seen = EndpointProbe.ProbeAsync(target, null, request: false, protocols, timeout, CancellationToken.None).GetAwaiter().GetResult();
        if (seen.ServedChain.IsEmpty)
        {
            var failure = seen.Stop switch
            {
                ProbeStop.ConnectFailed => CheckFailure.ConnectionRefused,
                ProbeStop.TimedOut => CheckFailure.Timeout,
                _ => CheckFailure.HandshakeFailed,
            };
            stderr.WriteLine($"error: {target.Display}: {CheckFailureNames.Of(failure)}{(seen.StopDetail is null ? "" : ": " + seen.StopDetail)}");
            return ExitCodes.Of(failure);
        }

        var count = seen.ServedChain.Length.ToString(CultureInfo.InvariantCulture);
        stdout.WriteLine($"# {target.Display} (SNI {target.ServerName ?? "none"}): {count} certificate(s) served, {seen.TlsVersion ?? "handshake not completed"} {seen.Cipher}".TrimEnd());
        if (!seen.ChainComplete)
        {
            stdout.WriteLine("# only the leaf: the server ended the handshake before the chain could be read");
        }

        for (var i = 0; i < seen.ServedChain.Length; i++)
        {
            var certificate = seen.ServedChain[i];
            stdout.WriteLine($"# [{i.ToString(CultureInfo.InvariantCulture)}] {(i == 0 ? "leaf" : "chain")}");
            CertificateDescription.Write(stdout, certificate);
            stdout.WriteLine();
        }

        stdout.WriteLine("# SPKI pins of every served key (pinning an issuer's key as well survives a renewal of the leaf with a new key):");
        foreach (var certificate in seen.ServedChain)
        {
            stdout.WriteLine($"#   sha256/{CertificateFingerprints.Of(certificate).SpkiSha256}   {certificate.Subject}");
        }

        return ExitCodes.Ok;
    }
}
