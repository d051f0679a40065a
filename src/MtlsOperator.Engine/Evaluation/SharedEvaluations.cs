using System.Collections.Concurrent;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>
/// Remembers the ClientAuthPolicy evaluations listeners consume, so the N listeners sharing one policy evaluate it (and its
/// TrustBundle: PEM parsing, chains, CRLs) once instead of N times. A result is reused only while every object it read —
/// the policy and, transitively, what <see cref="ResourceReferences"/> says it reads — has the uid and resourceVersion it
/// had, and for at most <see cref="MaxAge"/>.
/// </summary>
/// <remarks>
/// Why the age bound: an evaluation also reads the clock (certificate expiry, CRL windows). The controller's time-driven
/// re-checks run a second after each such moment, so a result at most a second old is never the one a re-check gets.
/// Objects without a uid or resourceVersion (the CLI's files) are never remembered: nothing would tell their versions apart;
/// nor are policies whose bundle fetches CRLs from URLs (the downloads carry no version).
/// Thread-safe; bounded by <see cref="Capacity"/> entries.
/// </remarks>
public sealed class SharedEvaluations
{
    /// <summary>Longest a result is reused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    /// <summary>Most results kept; past it, all are forgotten at once (then re-evaluated on demand).</summary>
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<ResourceKey, Entry> _policies = new();
    private long _evaluations;
    private long _reuses;

    /// <summary>Policy evaluations run (not reused) so far.</summary>
    public long Evaluations => Interlocked.Read(ref _evaluations);

    /// <summary>Policy evaluations answered from memory so far.</summary>
    public long Reuses => Interlocked.Read(ref _reuses);

    /// <summary>The policy's evaluation: remembered when nothing it read changed and it is recent, else <paramref name="evaluate"/>'s.</summary>
    public ClientAuthPolicyEvaluation Policy(ClientAuthPolicy policy, EvaluationContext context, Func<ClientAuthPolicy, EvaluationContext, ClientAuthPolicyEvaluation> evaluate)
    {
        var key = ResourceKey.Of(policy);
        var versions = VersionsOf(policy, context.Lookup);
        if (versions is not null && _policies.TryGetValue(key, out var entry) && entry.Versions == versions
            && context.Now >= entry.At && context.Now - entry.At < MaxAge)
        {
            Interlocked.Increment(ref _reuses);
            return entry.Result;
        }

        var result = evaluate(policy, context);
        Interlocked.Increment(ref _evaluations);
        if (versions is not null)
        {
            if (_policies.Count >= Capacity)
            {
                _policies.Clear();
            }

            _policies[key] = new Entry(versions, context.Now, result);
        }

        return result;
    }

    /// <summary>"kind ns/name=uid@resourceVersion" of the resource and everything it reads, transitively; null when any has no version.</summary>
    private static string? VersionsOf(IKubernetesObject<V1ObjectMeta> resource, IResourceLookup lookup)
    {
        var text = new StringBuilder();
        var seen = new HashSet<ResourceKey>();
        var pending = new Queue<(ResourceKey Key, IKubernetesObject<V1ObjectMeta>? Object)>([(ResourceKey.Of(resource), resource)]);
        while (pending.TryDequeue(out var next))
        {
            if (!seen.Add(next.Key))
            {
                continue;
            }

            text.Append(next.Key).Append('=');
            if (next.Object is { } o)
            {
                if (o.Metadata.Uid is not { } uid || o.Metadata.ResourceVersion is not { } version)
                {
                    return null;
                }

                // CRLs fetched from URLs reach the evaluation through the context, not through any object's version: a new
                // download changes nothing this key sees, so such a bundle's dependents are never answered from memory.
                if (o is TrustBundle { Spec: var spec } && (spec.FetchCrlDistributionPoints == true || spec.Crls.Any(c => c.Url is not null)))
                {
                    return null;
                }

                text.Append(uid).Append('@').Append(version);
                foreach (var referenced in ResourceReferences.Of(o))
                {
                    pending.Enqueue((referenced, Find(referenced, lookup)));
                }
            }

            text.Append(';');
        }

        return text.ToString();
    }

    private static IKubernetesObject<V1ObjectMeta>? Find(ResourceKey key, IResourceLookup lookup) => key.Kind switch
    {
        V1Secret.KubeKind => lookup.FindSecret(key.Namespace, key.Name),
        V1ConfigMap.KubeKind => lookup.FindConfigMap(key.Namespace, key.Name),
        TrustBundle.KindName => lookup.FindTrustBundle(key.Namespace, key.Name),
        ServerCertificate.KindName => lookup.FindServerCertificate(key.Namespace, key.Name),
        ClientAuthPolicy.KindName => lookup.FindClientAuthPolicy(key.Namespace, key.Name),
        // Pins by issuedCertificateRef read the IssuedClientCertificate and, through it, its Secret: without these two the
        // key stopped at the reference, and a certificate issued after the first evaluation was answered "not issued yet".
        IssuedClientCertificate.KindName => lookup.FindIssuedClientCertificate(key.Namespace, key.Name),
        ClientCertificateAuthority.KindName => lookup.FindClientCertificateAuthority(key.Namespace, key.Name),
        _ => throw new InvalidOperationException($"SharedEvaluations cannot version a {key.Kind}, which ResourceReferences says a policy reads."),
    };

    private sealed record Entry(string Versions, DateTimeOffset At, ClientAuthPolicyEvaluation Result);
}
