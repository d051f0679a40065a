using System.Runtime.InteropServices;
using k8s;
using Microsoft.Extensions.Logging;
using MtlsOperator.Controller;
using MtlsOperator.Hosting;
using MtlsOperator.Runtime.Throttling;

namespace MtlsOperator.Cli;

/// <summary><c>run</c>: the controller, against the cluster from in-cluster config, <c>--kubeconfig</c> or <c>KUBECONFIG</c>.</summary>
internal sealed class RunCommand(TextWriter stderr)
{
    public const string Usage = """
        usage: mtls-operator run [--kubeconfig PATH] [--namespaces a,b] [--signing-request-signers a/b,c/d] [--health-port 8080] [--workers 4]
                                 [--leader-elect true|false] [--lease-namespace NS] [--lease-name NAME] [--identity ID]
                                 [--lease-duration 15s] [--renew-deadline 10s] [--retry-period 2s] [--resync-period 10m]
                                 [--converged-save-period 1m|off]
                                 [--log-level trace|debug|info|warning|error]
                                 [--webhook-port PORT] [--webhook-service NAME] [--webhook-secret NAME] [--webhook-configuration NAME]
                                 [--sidecar-image-haproxy IMAGE] [--sidecar-image-nginx IMAGE] [--sidecar-image-envoy IMAGE]
                                 [--sidecar-pull-policy POLICY] [--sidecar-status-port PORT]
                                 [--crl-fetch true|false] [--crl-fetch-timeout 30s]
                                 [--kube-api-qps N] [--kube-api-burst N]
          --namespaces   watch only these namespaces (default: all)
          --signing-request-signers a/b,c/d   signers spec.csr.signingRequest may submit Kubernetes CertificateSigningRequests to (default: none)
          --health-port  port of /healthz, /readyz and /metrics (default 8080)
          --leader-elect hold a Lease so only one replica reconciles (default true); lease namespace defaults to
                         $POD_NAMESPACE, identity to $POD_NAME
          --lease-duration, --renew-deadline, --retry-period
                         leader election timings, as 30s, 2m or seconds (defaults 15s, 10s, 2s; the lease
                         must outlast the renew deadline, which must outlast the retry period)
          --resync-period
                         how often every resource is reconciled again although nothing changed (default 10m)
          --converged-save-period
                         how often, at most, the leader saves which resources have converged, to ConfigMaps
                         <lease-name>-converged-* in the lease namespace (also when it stops), so a restart of
                         the same build does not evaluate an unchanged world again (default 1m; off: never)
          --log-level    lowest level logged, as JSON lines on stdout (default info)
          --webhook-port PORT  serve the sidecar-injecting admission webhook on this HTTPS port (off when not given)
          --webhook-service NAME, --webhook-secret NAME, --webhook-configuration NAME
                         its Service (named by the serving certificate), the Secret the operator keeps that certificate
                         in, and the MutatingWebhookConfiguration whose caBundle it sets (all in/for $POD_NAMESPACE)
          --crl-fetch    fetch the CRLs TrustBundles name by URL (default true; false leaves them CrlNotFetched)
          --crl-fetch-timeout  longest one CRL fetch may take, headers and body (default 30s); see docs/crl-distribution-points.md
          --kube-api-qps, --kube-api-burst
                         a client-side limit on requests to the API server, per second and at once (default: none,
                         the server's priority and fairness decides; burst defaults to 1.5 x qps). Answers 429, and
                         5xx with a Retry-After, are sent again after the time the server asks, up to 10 times
        Traces: reconcile spans are exported by OTLP when OTEL_TRACES_EXPORTER=otlp or OTEL_EXPORTER_OTLP_ENDPOINT
        (or ..._TRACES_ENDPOINT) is set; the other standard OTEL_* variables (protocol, headers, service name) apply.
        """ + "\n" + SidecarOptions.Usage;

    public int Run(IReadOnlyList<string> args)
    {
        var o = CommandLine.Parse(args, ["--kubeconfig", "--namespaces", "--signing-request-signers", "--health-port", "--workers", "--leader-elect", "--lease-namespace", "--lease-name", "--identity", "--log-level", "--lease-duration", "--renew-deadline", "--retry-period", "--resync-period", "--converged-save-period",
            "--webhook-port", "--webhook-service", "--webhook-secret", "--webhook-configuration", "--crl-fetch", "--crl-fetch-timeout", "--kube-api-qps", "--kube-api-burst", .. SidecarOptions.Names], []);
        if (o.Error is not null || o.Positionals.Count > 0)
        {
            stderr.WriteLine(o.Error ?? $"unexpected argument {o.Positionals[0]}");
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        var level = o.Value("--log-level") ?? "info";
        if (!OperatorLogging.Levels.TryGetValue(level, out var minimum))
        {
            stderr.WriteLine($"error: --log-level {level} is not one of {string.Join(", ", OperatorLogging.Levels.Keys)}");
            return ExitCodes.BadInput;
        }

        var defaults = new OperatorOptions();
        OperatorOptions options;
        ClientThrottling throttling;
        try
        {
            throttling = ThrottlingFrom(o);
            options = defaults with
            {
                Namespaces = (o.Value("--namespaces") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                SigningRequestSigners = (o.Value("--signing-request-signers") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                HealthPort = o.Value("--health-port") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : defaults.HealthPort,
                Workers = o.Value("--workers") is { } w ? int.Parse(w, System.Globalization.CultureInfo.InvariantCulture) : defaults.Workers,
                LeaderElection = o.Value("--leader-elect") is not { } le || bool.Parse(le),
                LeaseNamespace = o.Value("--lease-namespace") ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? defaults.LeaseNamespace,
                LeaseName = o.Value("--lease-name") ?? defaults.LeaseName,
                Identity = o.Value("--identity") ?? Environment.GetEnvironmentVariable("POD_NAME") ?? defaults.Identity,
                Traces = OtlpTraceExport.FromEnvironment(Environment.GetEnvironmentVariable),
                Webhook = WebhookFrom(o),
                LeaseDuration = o.Value("--lease-duration") is { } ld ? Duration.Parse("--lease-duration", ld) : defaults.LeaseDuration,
                RenewDeadline = o.Value("--renew-deadline") is { } rd ? Duration.Parse("--renew-deadline", rd) : defaults.RenewDeadline,
                RetryPeriod = o.Value("--retry-period") is { } rp ? Duration.Parse("--retry-period", rp) : defaults.RetryPeriod,
                ResyncPeriod = o.Value("--resync-period") is { } rs ? Duration.Parse("--resync-period", rs) : defaults.ResyncPeriod,
                ConvergedSavePeriod = o.Value("--converged-save-period") switch
                {
                    null => defaults.ConvergedSavePeriod,
                    "off" => null,
                    { } cs => Duration.Parse("--converged-save-period", cs),
                },
                CrlFetch = o.Value("--crl-fetch") is not { } cf || bool.Parse(cf),
                CrlFetchTimeout = o.Value("--crl-fetch-timeout") is { } ct ? Duration.Parse("--crl-fetch-timeout", ct) : defaults.CrlFetchTimeout,
            };
            if (!(options.LeaseDuration > options.RenewDeadline && options.RenewDeadline > options.RetryPeriod))
            {
                throw new FormatException($"leader election needs --lease-duration ({options.LeaseDuration.TotalSeconds}s) > --renew-deadline ({options.RenewDeadline.TotalSeconds}s) > --retry-period ({options.RetryPeriod.TotalSeconds}s)");
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }

        if (Kubeconfig(o.Value("--kubeconfig"), stderr) is not { } config)
        {
            return ExitCodes.BadInput;
        }

        using var loggers = OperatorLogging.Create(minimum);
        using var client = OperatorClient.Create(config, throttling);
        using var leaseClient = OperatorClient.ForLease(config, throttling);
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        new OperatorHost(client, options, loggers, leaseClient: leaseClient).RunAsync(stop.Token).GetAwaiter().GetResult();
        return ExitCodes.Ok;
    }

    private static ClientThrottling ThrottlingFrom(CommandLine o)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        double? qps = o.Value("--kube-api-qps") is { } q
            ? double.TryParse(q, System.Globalization.NumberStyles.Float, culture, out var v) && v > 0 && double.IsFinite(v) ? v : throw new FormatException($"--kube-api-qps must be a number above 0, not {q}")
            : null;
        int? burst = o.Value("--kube-api-burst") is { } b
            ? int.TryParse(b, System.Globalization.NumberStyles.None, culture, out var n) ? n : throw new FormatException($"--kube-api-burst must be a whole number, not {b}")
            : null;

        if (burst is { } count && (qps is null || count < 1))
        {
            throw new FormatException(qps is null ? "--kube-api-burst needs --kube-api-qps" : $"--kube-api-burst must be at least 1, not {count}");
        }

        return new ClientThrottling { Qps = qps, Burst = burst };
    }

    private static Webhook.WebhookOptions? WebhookFrom(CommandLine o)
    {
        if (o.Value("--webhook-port") is not { } port)
        {
            return null;
        }

        var defaults = new Webhook.WebhookOptions();
        return defaults with
        {
            Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture),
            Namespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? defaults.Namespace,
            ServiceName = o.Value("--webhook-service") ?? defaults.ServiceName,
            SecretName = o.Value("--webhook-secret") ?? defaults.SecretName,
            ConfigurationName = o.Value("--webhook-configuration") ?? defaults.ConfigurationName,
            Sidecar = SidecarOptions.From(o),
        };
    }

    /// <summary>The client configuration from <paramref name="path"/> (read as a bounded regular file) or the default places, or null
    /// after one line on stderr: a malformed kubeconfig is bad input, never a crash.</summary>
    internal static KubernetesClientConfiguration? Kubeconfig(string? path, TextWriter stderr)
    {
        try
        {
            if (path is null)
            {
                return KubernetesClientConfiguration.BuildDefaultConfig();
            }

            var (text, error) = ManifestFile.Read(path);
            if (text is null)
            {
                stderr.WriteLine($"error: kubeconfig {path}: {error}");
                return null;
            }

            if (KubeconfigYaml.Read(text) is not { } kubeconfig)
            {
                // The client would say only "Value cannot be null (Parameter 'k8SConfig')".
                stderr.WriteLine($"error: kubeconfig {path} is empty: it names no cluster, context or user");
                return null;
            }

            return KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The client's loader reports bad kubeconfigs with many exception types (YAML, format, key, null reference).
            stderr.WriteLine($"error: kubeconfig {path ?? "(KUBECONFIG or ~/.kube/config or in-cluster)"} is not usable: {e.Message.Split('\n')[0]}");
            return null;
        }
    }
}
