using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Engine.SigningRequests;

/// <summary>The CSR flow's words in a ServerCertificate's conditions: the pending renewal, and the next step after a refusal.</summary>
internal static class CsrConditions
{
    /// <summary>RenewalPending, present once a certificate is served: True with what to sign while status.csr.renewal is set.</summary>
    public static void SetRenewal(ConditionSet conditions, TlsInspection inspection, CsrStatus? status)
    {
        if (status is null || !inspection.IsServable)
        {
            return;
        }

        if (status.Renewal is { } renewal)
        {
            conditions.Set(ServerCertificateConditions.RenewalPending, true, ServerCertificateReasons.RenewalRequested,
                $"The certificate expires at {renewal.CurrentNotAfter:yyyy-MM-dd'T'HH:mm:ss'Z'}; the next key and its request are ready. Have the CA sign " +
                "status.csr.renewal.request (`mtls-operator csr NAME --renewal`) and bring the certificate the same way as the first; the current " +
                "certificate keeps serving until then, and clients that pinned the Next pin keep working after the switch.");
        }
        else
        {
            conditions.Set(ServerCertificateConditions.RenewalPending, false, ServerCertificateReasons.RenewalNotDue,
                "The served certificate is not due for renewal; the next key is generated and its pin published ahead.");
        }
    }

    /// <summary>A refusal's message with what to do next, unless it says so already.</summary>
    public static string WithNextStep(string message, TlsInspection inspection) =>
        inspection.Problems[0].Reason is ServerCertificateReasons.AwaitingSignedCertificate or ServerCertificateReasons.SignedForAnotherKey
            or ServerCertificateReasons.KeyPending or ServerCertificateReasons.OutputConflict or ServerCertificateReasons.SignerNotAllowed
            ? message
            : message + " The certificate was not taken; the last good one stays in the listeners. Have the CA sign status.csr.request " +
              "(or status.csr.renewal.request) again with what is missing, and bring the new certificate.";
}
