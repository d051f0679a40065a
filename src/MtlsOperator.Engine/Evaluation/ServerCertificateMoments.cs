using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The moments at which a ServerCertificate's evaluation changes although no object does: its certificate becomes valid,
/// enters the expiry warning window, becomes due for renewal (bootstrap and CSR flows), expires.</summary>
public static class ServerCertificateMoments
{
    /// <summary>From the evaluated status (the certificate in use); empty when it describes none.</summary>
    public static IReadOnlyList<DateTime> Of(ServerCertificateSpec spec, ServerCertificateStatus status)
    {
        if (status.NotBefore is not { } from || status.NotAfter is not { } to)
        {
            return [];
        }

        var warning = spec.ExpiryWarningDays is { } days ? TimeSpan.FromDays(days) : EvaluationContext.DefaultExpiryWarning;
        // As RenewalWindow: within the warning window, but no earlier than two thirds into the lifetime.
        var lead = (to - from) / 3 < warning ? (to - from) / 3 : warning;
        return [from, to - warning, to - lead, to];
    }
}
