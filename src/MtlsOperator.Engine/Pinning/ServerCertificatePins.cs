using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.Pinning;

/// <summary>Fills a ServerCertificate's published pins (status and ConfigMap) from the keys its evaluation found.</summary>
internal static class ServerCertificatePins
{
    /// <summary>Sets status.pins and status.pinsConfigMapName and returns the ConfigMap to write; null when there is nothing to
    /// publish, or when a ConfigMap the operator does not own holds the name (then <c>PinsPublished=False</c> says so).</summary>
    /// <param name="current">The CSR flow's current key (its certificate may still be awaited); otherwise the served leaf's key is used.</param>
    /// <param name="next">The key generated ahead for the next certificate.</param>
    public static V1ConfigMap? Publish(ServerCertificate certificate, string ns, ServerCertificateStatus status, ConditionSet conditions,
        TlsInspection inspection, PrivateKey? current, PrivateKey? next, IResourceLookup lookup)
    {
        var pins = new List<ServerKeyPin>();
        if (current is not null)
        {
            pins.Add(ServerPins.Pin(ServerKeyPinRoles.Current, current));
        }
        else if (inspection is { Leaf: { } leaf, Key: not null })
        {
            // The key matched the leaf, so the leaf's public key is the key in use.
            pins.Add(ServerPins.Pin(ServerKeyPinRoles.Current, leaf.PublicKey.ExportSubjectPublicKeyInfo(), KeyAlgorithm.Of(leaf)));
        }

        if (next is not null && pins.Count > 0 && pins[0].SpkiSha256 != next.SpkiSha256)
        {
            pins.Add(ServerPins.Pin(ServerKeyPinRoles.Next, next));
        }

        status.Pins = pins;
        if (pins.Count == 0)
        {
            return null;
        }

        var name = ServerPins.ConfigMapName(certificate);
        if (lookup.FindConfigMap(ns, name) is { } existing && !OutputOwnership.IsOwnedBy(existing.Metadata, certificate))
        {
            conditions.Set(ServerCertificateConditions.PinsPublished, false, ServerCertificateReasons.OutputConflict,
                $"ConfigMap {ns}/{name} exists and is not managed by this ServerCertificate, so the pins are not published there (they are in " +
                "status.pins). Delete or rename that ConfigMap.");
            return null;
        }

        status.PinsConfigMapName = name;
        return ServerPins.ConfigMap(certificate, ns, pins);
    }
}
