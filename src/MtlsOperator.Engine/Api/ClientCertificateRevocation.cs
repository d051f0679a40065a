using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>A request to put certificates on a ClientCertificateAuthority's CRL: those of an IssuedClientCertificate, or given serial numbers.
/// A kind of its own so that "may revoke, may not issue" is RBAC alone: create on this kind, nothing on IssuedClientCertificates.</summary>
public sealed class ClientCertificateRevocation : CustomResource<ClientCertificateRevocationSpec, ClientCertificateRevocationStatus>
{
    public const string KindName = "ClientCertificateRevocation";
    public const string Plural = "clientcertificaterevocations";

    public ClientCertificateRevocation() => Kind = KindName;
}

/// <summary>Which CA's CRL, which certificates, and why. Final: what it revoked stays revoked when it is changed (its status remembers) or
/// deleted (the CA keeps every entry until its certificate expires).</summary>
[ValidationRule("has(self.issuedCertificateRef) || (has(self.serialNumbers) && size(self.serialNumbers) > 0)",
    "name an IssuedClientCertificate (issuedCertificateRef) or give serialNumbers: a revocation of nothing is refused")]
public sealed class ClientCertificateRevocationSpec
{
    /// <summary>The ClientCertificateAuthority in the same namespace whose CRL lists the certificates.</summary>
    [Required]
    [JsonPropertyName("authorityRef")]
    public ObjectReference AuthorityRef { get; set; } = new();

    /// <summary>An IssuedClientCertificate of that CA in the same namespace: its current certificate and every earlier one still valid go on the
    /// CRL, and it is never renewed again. What it held is remembered in this resource's status, so deleting the IssuedClientCertificate
    /// afterwards changes nothing.</summary>
    [JsonPropertyName("issuedCertificateRef")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ObjectReference? IssuedCertificateRef { get; set; }

    /// <summary>Serial numbers of certificates the CA signed (the operator's or any other, e.g. made with <c>openssl ca</c>), in hex as
    /// <c>openssl x509 -noout -serial</c> prints them: colons, spaces, a <c>serial=</c> or <c>0x</c> prefix, either case, and
    /// <c>openssl x509 -text</c>'s <c>4096 (0x1000)</c> are accepted.
    /// An IssuedClientCertificate whose current certificate is listed is revoked as a whole (never renewed).</summary>
    [MaxLength(ApiLimits.RevocationSerials)]
    [Items(MaxLength = ApiLimits.SerialText)]
    [JsonPropertyName("serialNumbers")]
    public List<string> SerialNumbers { get; set; } = [];

    /// <summary>The CRL entries' reason: <c>Unspecified</c> (default), <c>KeyCompromise</c>, <c>AffiliationChanged</c>, <c>Superseded</c>,
    /// <c>CessationOfOperation</c> or <c>PrivilegeWithdrawn</c>.</summary>
    [AllowedValues("Unspecified", "KeyCompromise", "AffiliationChanged", "Superseded", "CessationOfOperation", "PrivilegeWithdrawn")]
    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; set; }
}

/// <summary>The certificates this revocation puts on the CRL, and whether the CA has published them.</summary>
public sealed class ClientCertificateRevocationStatus : IResourceStatus
{
    /// <summary>The metadata.generation this status describes; older than metadata.generation while a change is not yet evaluated.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready (every certificate is on the CA's published CRL), Stalled and Reconciling.</summary>
    [MaxLength(ApiLimits.Conditions)]
    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    /// <summary>The certificates this revocation names, once resolved: kept here, so the CA still lists them after the IssuedClientCertificate
    /// (or the CA's own CRL and status) is gone.</summary>
    [MaxLength(ApiLimits.StatusIssued + ApiLimits.RevocationSerials)]
    [JsonPropertyName("certificates")]
    public List<RevocationEntryStatus> Certificates { get; set; } = [];
}

/// <summary>One certificate a ClientCertificateRevocation puts on the CRL.</summary>
public sealed class RevocationEntryStatus
{
    /// <summary>Serial number, uppercase hex of the DER integer as <c>openssl crl -text</c> prints it without colons.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("serialNumber")]
    public string SerialNumber { get; set; } = "";

    /// <summary>End of the certificate's validity, when known (the entry leaves the CRL after it); unknown serials stay until the CA expires.</summary>
    [JsonPropertyName("notAfter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NotAfter { get; set; }

    /// <summary>True once the CA's published CRL lists it.</summary>
    [JsonPropertyName("published")]
    public bool Published { get; set; }
}
