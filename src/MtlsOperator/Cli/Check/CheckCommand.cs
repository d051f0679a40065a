using System.Security.Authentication;
using System.Security.Cryptography;
using MtlsOperator.Engine.EndpointCheck;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Cli.Check;

/// <summary><c>check URL</c>: a real TLS handshake and HTTP request against a live endpoint, judged (expiry, name, trust, client
/// admission) and optionally compared with what manifests render. Exit codes per failure class (<see cref="ExitCodes"/>).</summary>
internal sealed class CheckCommand(TextWriter stdout, TextWriter stderr, TimeProvider clock)
{
    public const string Usage = """
        usage: mtls-operator check https://HOST[:PORT][/PATH] [options]
          --sni NAME             server name to send and to verify (default: the URL's host; none for an IP address)
          --ca FILE              PEM/DER CA certificates the server's chain must verify to (repeatable)
          --trust-bundle FILE    a TrustBundle manifest (evaluated as the operator would) or PEM, as trust (repeatable)
                                 (neither given: the system's trust store)
          --cert FILE            client certificate PEM (leaf first, then its chain; the key may be in it too), or PKCS#12
          --key FILE             client private key PEM
          --p12 FILE             client certificate and key as PKCS#12 (.p12/.pfx)
          --password TEXT        password of the PKCS#12 file or encrypted key (visible in the process list: prefer --password-file)
          --password-file FILE   the same, first line of FILE
          -f PATH                the listener's manifests: say whether the endpoint serves what they render (repeatable)
          -n NAMESPACE           namespace for manifests that do not name one (default: default)
          --listener NAME        which MtlsListener of the manifests this endpoint is (default: the only one, or the one on PORT)
          --tls 1.2|1.3          offer only this TLS version (default: both)
          --timeout DURATION     for the whole check (default 10s)
          --json                 print JSON instead of the table
        exit: 0 ok, 2 bad input, 10 connection refused, 11 timeout, 12 TLS handshake failed, 13 expired, 14 wrong name,
              15 untrusted, 16 client refused, 17 HTTP error, 18 not live (served != rendered); see docs/check.md
        """;

    private static readonly TimeSpan s_defaultTimeout = TimeSpan.FromSeconds(10);

    public int Run(IReadOnlyList<string> args)
    {
        var options = CommandLine.Parse(args,
            ["--sni", "--ca", "--trust-bundle", "--cert", "--key", "--p12", "--password", "--password-file", "-f", "--filename", "-n", "--namespace", "--listener", "--tls", "--timeout"],
            ["--json"]);
        if (options.Error is not null || options.Positionals.Count != 1)
        {
            return BadInput(options.Error ?? (options.Positionals.Count == 0 ? "check needs the endpoint's URL" : $"unexpected argument {options.Positionals[1]}"));
        }

        var url = options.Positionals[0];
        var now = clock.GetUtcNow();
        EndpointTarget target;
        CheckTrust trust;
        ClientIdentity? client;
        RenderedEndpoint? rendered = null;
        SslProtocols protocols;
        TimeSpan timeout;
        try
        {
            target = EndpointTarget.FromUrl(url, options.Value("--sni"));
            trust = CheckTrust.Load(options.Values("--ca"), options.Values("--trust-bundle"), now);
            client = LoadClient(options);
            protocols = ProtocolsOf(options.Value("--tls"));
            timeout = options.Value("--timeout") is { } t ? Duration.Parse("--timeout", t) : s_defaultTimeout;
            if (options.Values("-f", "--filename") is { Count: > 0 } manifests)
            {
                var (endpoint, error) = Render(manifests, options.Value("-n", "--namespace") ?? "default", target.Port, options.Value("--listener"), now);
                if (error is not null)
                {
                    return BadInput(error);
                }

                rendered = endpoint;
            }
            else if (options.Value("--listener") is not null)
            {
                return BadInput("--listener needs -f manifests");
            }
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or CryptographicException)
        {
            return BadInput(e.Message);
        }

        var seen = EndpointProbe.ProbeAsync(target, client, request: true, protocols, timeout, CancellationToken.None).GetAwaiter().GetResult();
        var expectations = new CheckExpectations(target.ExpectedName, trust.Anchors, trust.Intermediates, trust.Source, client is not null);
        var verdict = EndpointJudgement.Judge(seen, expectations, now);
        LiveComparison? live = null;
        if (rendered is not null)
        {
            live = LiveComparison.Of(rendered, seen, target.ServerName);
            verdict = verdict.With(live.Findings());
        }

        var report = new CheckReport(url, target, seen, verdict, live, ExitCodes.Of(verdict.Decisive));
        if (options.Flags.Contains("--json"))
        {
            stdout.WriteLine(CheckJson.Write(report));
            foreach (var finding in verdict.Findings)
            {
                stderr.WriteLine(finding.Message);
            }
        }
        else
        {
            CheckTable.Write(stdout, report);
        }

        return report.ExitCode;
    }

    private static ClientIdentity? LoadClient(CommandLine options)
    {
        var (cert, key, p12) = (options.Value("--cert"), options.Value("--key"), options.Value("--p12"));
        var password = options.Value("--password-file") is { } file
            ? File.ReadLines(file).FirstOrDefault() ?? ""
            : options.Value("--password");
        if (p12 is not null)
        {
            return cert is null && key is null
                ? ClientIdentity.FromPkcs12(p12, password)
                : throw new FormatException("give either --p12 or --cert/--key, not both");
        }

        if (cert is null)
        {
            return key is null ? null : throw new FormatException("--key needs --cert");
        }

        return Engine.Pki.PemBlock.LooksLikePem(File.ReadAllBytes(cert)) ? ClientIdentity.FromPem(cert, key, password) : ClientIdentity.FromPkcs12(cert, password);
    }

    /// <summary>The <c>--tls</c> option: one version, or the platform's default (both).</summary>
    public static SslProtocols ProtocolsOf(string? version) => version switch
    {
        null => SslProtocols.None,
        "1.2" => SslProtocols.Tls12,
        "1.3" => SslProtocols.Tls13,
        _ => throw new FormatException($"--tls {version}: give 1.2 or 1.3"),
    };

    private static (RenderedEndpoint? Endpoint, string? Error) Render(IReadOnlyList<string> paths, string defaultNamespace, int port, string? listener, DateTimeOffset now)
    {
        var manifests = ManifestReader.Read(paths, defaultNamespace);
        if (manifests.Errors.Count > 0)
        {
            return (null, string.Join("\n", manifests.Errors));
        }

        var result = new TrustEngine().EvaluateAll(ResourceSnapshot.Of(manifests.Objects), now);
        return RenderedEndpoint.Of(result, port, listener);
    }

    private int BadInput(string message)
    {
        stderr.WriteLine($"error: {message}");
        stderr.WriteLine(Usage);
        return ExitCodes.BadInput;
    }
}
