using System.Collections.Immutable;
using k8s;
using Microsoft.Extensions.Logging;
using MtlsOperator.Engine.Admission;
using MtlsOperator.Engine.Api;
using MtlsOperator.Runtime;

namespace MtlsOperator.Webhook;

/// <summary>
/// The webhook on every replica, leader or standby (the Service sends requests to any of them): its own MtlsListener
/// cache, the serving certificate re-read from its Secret, and the HTTPS server. The leader also runs the rotator.
/// </summary>
internal sealed partial class WebhookHost : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly Informer<MtlsListener> _listeners;
    private readonly ServingCertificate _certificate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private WebhookServer? _server;

    public WebhookHost(IKubernetes client, WebhookOptions options, IReadOnlyList<string> namespaces, ILoggerFactory loggers, TimeProvider time)
    {
        _client = client;
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger("webhook");
        _loggers = loggers;
        _listeners = new Informer<MtlsListener>(
            new CustomResourceClient<MtlsListener>(client, MtlsListener.Group, MtlsListener.Version, MtlsListener.Plural, MtlsListener.KindName),
            new InformerOptions<MtlsListener> { Namespaces = namespaces }, loggers.CreateLogger("webhook.informer"), time);
        Rotator = new WebhookCertificateRotator(client, options, time, loggers.CreateLogger("webhook.certificates"));
        Untouched = [.. options.SystemNamespaces.Append(options.Namespace)];
    }

    /// <summary>The leader's half: keeps the Secret and caBundle current.</summary>
    public WebhookCertificateRotator Rotator { get; }

    /// <summary>Namespaces whose pods are always admitted as sent.</summary>
    public ImmutableHashSet<string> Untouched { get; }

    public string? Url => _server?.Url;

    /// <summary>A serving certificate is loaded, so TLS handshakes succeed.</summary>
    public bool IsServing => _server is not null && _certificate.Current is not null;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _loops.Add(Task.Run(() => _listeners.RunAsync(_stop.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => ReloadAsync(_stop.Token), CancellationToken.None));
        _server = await WebhookServer.StartAsync(_options, _certificate, Context, _loggers, cancellationToken).ConfigureAwait(false);
        LogListening(_logger, _server.Url);
    }

    private AdmissionContext Context() => new(
        (ns, name) => _listeners.Cache.Get(new ObjectKey(ns, name)), _listeners.HasSynced, _options.Sidecar, Untouched);

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                _certificate.Load(await WebhookCertificateRotator.ReadServingDataAsync(_client, _options, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogServingSecretUnreadable(_logger, e);
            }

            try
            {
                // Fast until the first certificate is loaded, then at the reload period.
                await Task.Delay(_certificate.Current is null ? TimeSpan.FromSeconds(1) : _options.ReloadPeriod, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admission webhook on {Url}")]
    private static partial void LogListening(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the webhook serving Secret; serving the certificate loaded before")]
    private static partial void LogServingSecretUnreadable(ILogger logger, Exception exception);
}
