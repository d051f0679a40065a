using System.Collections.Immutable;
using System.Text;
using System.Text.Json.Nodes;

namespace MtlsOperator.Engine.Admission;

/// <summary>The webhook's answer to one admission request: allowed (maybe with a JSON patch and warnings) or refused.</summary>
/// <param name="Uid">The request's uid, echoed as the API server demands.</param>
/// <param name="Patch">RFC 6902 operations; null or empty leaves the object as sent.</param>
/// <param name="Refusal">Why the object is refused; null when allowed.</param>
public sealed record AdmissionVerdict(string Uid, JsonArray? Patch, string? Refusal, ImmutableArray<string> Warnings)
{
    public bool Allowed => Refusal is null;

    public static AdmissionVerdict Allow(string uid, params string[] warnings) => new(uid, null, null, [.. warnings]);

    public static AdmissionVerdict Refuse(string uid, string reason) => new(uid, null, reason, []);

    /// <summary>The <c>admission.k8s.io/v1</c> AdmissionReview the API server expects back.</summary>
    public JsonObject ToReview()
    {
        var response = new JsonObject { ["uid"] = Uid, ["allowed"] = Allowed };
        if (Refusal is not null)
        {
            response["status"] = new JsonObject { ["code"] = 403, ["reason"] = "Forbidden", ["message"] = Refusal };
        }
        else if (Patch is { Count: > 0 })
        {
            response["patchType"] = "JSONPatch";
            response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Patch.ToJsonString()));
        }

        if (!Warnings.IsEmpty)
        {
            response["warnings"] = new JsonArray([.. Warnings.Select(w => JsonValue.Create(w))]);
        }

        return new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["response"] = response };
    }
}
