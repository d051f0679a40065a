using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>
/// Remembers the evaluations listeners consume instead of re-deriving them: a ClientAuthPolicy's (the N listeners sharing one
/// policy evaluate it, and its TrustBundle: PEM parsing, chains, CRLs, once instead of N times) and a ServerCertificate's (evaluated
/// by its own reconcile, then read by its listeners: PEM parsing, key match, chain building once instead of twice). A result is
/// reused only while every object it read — the resource and, transitively, what <see cref="ResourceReferences"/> says it reads —
/// has the uid and version it had, and only for as long as the clock cannot have changed it.
/// </summary>
/// <remarks>
/// Why the time bounds: an evaluation also reads the clock. A policy result lives at most <see cref="MaxAge"/>: the controller's
/// time-driven re-checks run a second after each moment that matters (certificate expiry, CRL windows), so a result at most a
/// second old is never the one a re-check gets. A certificate result lives until the next of its own moments
/// (<see cref="ServerCertificateMoments"/>: not before, expiry warning, renewal, expiry), at most <see cref="MaxCertificateAge"/>,
/// so the listeners of N certificates reconciled seconds after them (a cold start, a restart) still find them.
/// A ServerCertificate is versioned by its generation, not its resourceVersion: its evaluation reads its spec and the objects it
/// references, never its own status (which its reconcile has just written) beyond the transition times of its conditions, and a
/// consumer uses its identity and Ready message only. Its pins ConfigMap is left out of its key for the same reason: it is an
/// output the owner writes right after evaluating, and nothing a listener consumes depends on it.
/// Objects without a uid or version (the CLI's files) are never remembered: nothing would tell their versions apart; nor are
/// policies whose bundle fetches CRLs from URLs (the downloads carry no version).
/// A listener's evaluation is kept whole for the certificate's own reconcile, which takes it once (status, pins) and so forgets it;
/// for certificates from a Secret, the owner's evaluation is offered to listeners in the small form only.
/// A listener's answer is also kept in a small form (<see cref="ServedIdentityRecipe"/>: which blocks of the TLS Secret are served, or
/// the Ready condition), under the same key and time bounds, for far more certificates than the full form: listeners re-rendered long
/// after a burst (a shared bundle's fan-out) rebuild their certificate's identity from the cached Secret instead of evaluating it.
/// Thread-safe; bounded by <see cref="Capacity"/> policies, <see cref="CertificateCapacity"/> certificates in full and
/// <see cref="ServedCapacity"/> in the small form (the oldest go first).
/// </remarks>
public sealed class SharedEvaluations
{
    /// <summary>Longest a result is reused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    /// <summary>Most results kept; past it, all are forgotten at once (then re-evaluated on demand).</summary>
    public const int Capacity = 4096;

    /// <summary>Longest a ServerCertificate result is reused when none of its own moments comes sooner.</summary>
    public static readonly TimeSpan MaxCertificateAge = TimeSpan.FromMinutes(5);

    /// <summary>Most ServerCertificate results kept: enough for the distance between a certificate and its listeners in the work
    /// queue when thousands arrive at once, independent of how many exist.</summary>
    public const int CertificateCapacity = 2048;

    /// <summary>Most ServerCertificate answers kept for listeners in their small form (a <see cref="ServedIdentityRecipe"/> or the Ready
    /// condition, ~250 bytes): enough for every certificate of a large cluster, so a listener re-rendered long after a burst (a bundle's
    /// fan-out to thousands of listeners) does not evaluate its certificate again.</summary>
    public const int ServedCapacity = 65536;

    private readonly ConcurrentDictionary<ResourceKey, Entry> _policies = new();
    private readonly ConcurrentDictionary<ResourceKey, CertificateEntry> _certificates = new();
    private readonly ConcurrentQueue<ResourceKey> _certificateOrder = new();
    private readonly ConcurrentDictionary<ResourceKey, ServedEntry> _served = new();
    private readonly ConcurrentDictionary<(ResourceKey, string), Lazy<ServerCertificateEvaluation>> _running = new();
    private readonly ConcurrentQueue<ResourceKey> _servedOrder = new();
    private long _evaluations;
    private long _reuses;
    private long _certificateEvaluations;
    private long _certificateReuses;
    private long _ownEvaluations;

    /// <summary>Policy evaluations run (not reused) so far.</summary>
    public long Evaluations => Interlocked.Read(ref _evaluations);

    /// <summary>Policy evaluations answered from memory so far.</summary>
    public long Reuses => Interlocked.Read(ref _reuses);

    /// <summary>The policy's evaluation: remembered when nothing it read changed and it is recent, else <paramref name="evaluate"/>'s.</summary>
    public ClientAuthPolicyEvaluation Policy(ClientAuthPolicy policy, EvaluationContext context, Func<ClientAuthPolicy, EvaluationContext, ClientAuthPolicyEvaluation> evaluate)
    {
        var key = ResourceKey.Of(policy);
        var versions = VersionsOf(policy, context.Lookup, static _ => false);
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

    /// <summary>A listener's evaluation of one of its ServerCertificates: remembered when nothing it read changed and none of its
    /// moments has passed, else <paramref name="evaluate"/>'s (then remembered).</summary>
    public ServerCertificateEvaluation Certificate(ServerCertificate certificate, EvaluationContext context, Func<ServerCertificate, EvaluationContext, ServerCertificateEvaluation> evaluate)
    {
        var versions = CertificateVersionsOf(certificate, context.Lookup);
        if ((Recall(certificate, versions, context.Now, forOwner: false) ?? RecallServed(certificate, versions, context)) is { } remembered)
        {
            return remembered;
        }

        return Once(certificate, versions, forOwner: false, () =>
        {
            var result = evaluate(certificate, context);
            Interlocked.Increment(ref _certificateEvaluations);
            Remember(certificate, versions, context, result, keepFull: true);
            return result;
        });
    }

    /// <summary>A ServerCertificate's own evaluation, offered to its listeners afterwards. Its listeners' evaluation is taken instead
    /// only for a certificate from a Secret (the flows that generate keys evaluate differently for their owner, who may generate one),
    /// and only when its pins ConfigMap is also unchanged (the owner reports a foreign one). Not offered when it is about to write a
    /// key Secret: a listener must not serve a key before it is stored.</summary>
    public ServerCertificateEvaluation OwnCertificate(ServerCertificate certificate, EvaluationContext context, Func<ServerCertificate, EvaluationContext, ServerCertificateEvaluation> evaluate)
    {
        var versions = CertificateVersionsOf(certificate, context.Lookup);
        if (certificate.Spec?.SecretRef is not null && Recall(certificate, versions, context.Now, forOwner: true) is { } remembered)
        {
            return remembered;
        }

        return Once(certificate, versions, forOwner: true, () =>
        {
            var result = evaluate(certificate, context);
            Interlocked.Increment(ref _ownEvaluations);
            if (result.KeySecret is null)
            {
                // Listeners of a certificate from a Secret take the small form; the full one is for the flows whose identity comes
                // from the operator's own key Secrets.
                Remember(certificate, versions, context, result, keepFull: certificate.Spec?.SecretRef is null);
            }

            return result;
        });
    }

    /// <summary>Runs <paramref name="evaluate"/> (which remembers its result), unless the same Secret-sourced certificate with the same
    /// inputs is being evaluated at this moment, by its own reconcile or a listener's: then that evaluation's result is taken.</summary>
    /// <remarks>A cold start or restart reconciles certificates and their listeners side by side, so both often miss the memory at the
    /// same moment and evaluated the same certificate twice. The key is the owner's versions (the stricter of the two).</remarks>
    private ServerCertificateEvaluation Once(ServerCertificate certificate, (string Consumer, string Owner)? versions, bool forOwner, Func<ServerCertificateEvaluation> evaluate)
    {
        if (certificate.Spec?.SecretRef is null || versions is not { } v)
        {
            return evaluate();
        }

        var key = (ResourceKey.Of(certificate), v.Owner);
        var mine = new Lazy<ServerCertificateEvaluation>(evaluate, LazyThreadSafetyMode.ExecutionAndPublication);
        var running = _running.GetOrAdd(key, mine);
        if (ReferenceEquals(running, mine))
        {
            try
            {
                return mine.Value;
            }
            finally
            {
                _running.TryRemove(new KeyValuePair<(ResourceKey, string), Lazy<ServerCertificateEvaluation>>(key, mine));
            }
        }

        var shared = running.Value;
        Interlocked.Increment(ref _certificateReuses);
        if (forOwner && _certificates.TryGetValue(key.Item1, out var entry) && ReferenceEquals(entry.Result, shared))
        {
            // As when the owner recalls a listener's result: taken, so forgotten.
            _certificates.TryRemove(new KeyValuePair<ResourceKey, CertificateEntry>(key.Item1, entry));
        }

        return shared;
    }

    /// <summary>ServerCertificate evaluations run for listeners (not reused) so far.</summary>
    public long CertificateEvaluations => Interlocked.Read(ref _certificateEvaluations);

    /// <summary>ServerCertificate evaluations run for the certificate's own reconcile (not reused) so far.</summary>
    public long OwnCertificateEvaluations => Interlocked.Read(ref _ownEvaluations);

    /// <summary>ServerCertificate evaluations answered from memory (to listeners or to the certificate's own reconcile) so far.</summary>
    public long CertificateReuses => Interlocked.Read(ref _certificateReuses);

    private ServerCertificateEvaluation? Recall(ServerCertificate certificate, (string Consumer, string Owner)? versions, DateTimeOffset now, bool forOwner)
    {
        if (versions is not { } v || !_certificates.TryGetValue(ResourceKey.Of(certificate), out var entry)
            || (forOwner ? entry.Versions.Owner != v.Owner : entry.Versions.Consumer != v.Consumer)
            || now < entry.At || now >= entry.Until)
        {
            return null;
        }

        Interlocked.Increment(ref _certificateReuses);
        if (forOwner && certificate.Spec?.SecretRef is not null)
        {
            // Its owner was what a Secret-sourced certificate's full result waited for: its listeners have the small form.
            _certificates.TryRemove(new KeyValuePair<ResourceKey, CertificateEntry>(ResourceKey.Of(certificate), entry));
        }

        return entry.Result;
    }

    /// <summary>The small form of a listener's answer, when its full form is no longer kept.</summary>
    private ServerCertificateEvaluation? RecallServed(ServerCertificate certificate, (string Consumer, string Owner)? versions, EvaluationContext context)
    {
        var key = ResourceKey.Of(certificate);
        if (versions is not { } v || !_served.TryGetValue(key, out var entry) || entry.Consumer != Digest(v.Consumer)
            || context.Now < entry.At || context.Now >= entry.Until)
        {
            return null;
        }

        ServerIdentity? identity = null;
        if (entry.Recipe is { } recipe)
        {
            // The Secret's version is part of the key, so it holds the bytes the recipe was taken from.
            if (certificate.Spec?.SecretRef is not { } reference
                || context.Lookup.FindSecret(key.Namespace, reference.Name) is not { } secret || recipe.Rebuild(secret) is not { } rebuilt)
            {
                _served.TryRemove(key, out _);
                return null;
            }

            identity = rebuilt;
        }

        Interlocked.Increment(ref _certificateReuses);
        return new ServerCertificateEvaluation(new ServerCertificateStatus { Conditions = entry.Ready is null ? [] : [entry.Ready] }, identity, null, null);
    }

    /// <param name="keepFull">Whether to keep the whole result too (for the owner, when a listener evaluated first), not only the small form.</param>
    private void Remember(ServerCertificate certificate, (string Consumer, string Owner)? versions, EvaluationContext context, ServerCertificateEvaluation result, bool keepFull)
    {
        if (versions is not { } v)
        {
            return;
        }

        var now = context.Now;

        var until = now + MaxCertificateAge;
        foreach (var moment in ServerCertificateMoments.Of(certificate.Spec, result.Status))
        {
            var at = new DateTimeOffset(DateTime.SpecifyKind(moment, DateTimeKind.Utc));
            if (at > now && at < until)
            {
                until = at;
            }
        }

        var key = ResourceKey.Of(certificate);
        RememberServed(certificate, key, v.Consumer, now, until, result, context.Lookup);
        if (!keepFull)
        {
            return;
        }

        var entry = new CertificateEntry(v, now, until, result);
        if (_certificates.TryAdd(key, entry))
        {
            _certificateOrder.Enqueue(key);
            Bound(_certificates, _certificateOrder, CertificateCapacity);
        }
        else
        {
            _certificates[key] = entry;
        }
    }

    /// <summary>Keeps what a listener reads of <paramref name="result"/> (its identity as a recipe, or its Ready condition) for certificates
    /// from a Secret; the other flows' identities come from the operator's own key Secrets and stay in the full form only.</summary>
    private void RememberServed(ServerCertificate certificate, ResourceKey key, string consumer, DateTimeOffset now, DateTimeOffset until,
        ServerCertificateEvaluation result, IResourceLookup lookup)
    {
        if (certificate.Spec?.SecretRef is not { } reference)
        {
            return;
        }

        var ready = result.Status.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        ServedIdentityRecipe? recipe = null;
        if (result.Identity is { } identity
            && (lookup.FindSecret(key.Namespace, reference.Name) is not { } secret || (recipe = ServedIdentityRecipe.Of(identity, secret)) is null))
        {
            return;
        }

        var entry = new ServedEntry(Digest(consumer), now, until, recipe, ready);
        if (_served.TryAdd(key, entry))
        {
            _servedOrder.Enqueue(key);
            Bound(_served, _servedOrder, ServedCapacity);
        }
        else
        {
            _served[key] = entry;
        }
    }

    /// <summary>Drops the oldest entries past <paramref name="capacity"/>; and since entries also leave on their own (consumed, outdated)
    /// and come back, the order is rebuilt without the keys it no longer needs once it holds twice the capacity.</summary>
    private static void Bound<TEntry>(ConcurrentDictionary<ResourceKey, TEntry> entries, ConcurrentQueue<ResourceKey> order, int capacity)
    {
        while (entries.Count > capacity && order.TryDequeue(out var oldest))
        {
            entries.TryRemove(oldest, out _);
        }

        if (order.Count > 2 * capacity)
        {
            // A key added again is as old as its last addition: keep that one.
            var drained = new List<ResourceKey>();
            for (var n = order.Count; n > 0 && order.TryDequeue(out var key); n--)
            {
                drained.Add(key);
            }

            var kept = new HashSet<ResourceKey>();
            var newestFirst = drained.AsEnumerable().Reverse().Where(k => entries.ContainsKey(k) && kept.Add(k)).ToList();
            foreach (var key in Enumerable.Reverse(newestFirst))
            {
                order.Enqueue(key);
            }
        }
    }

    // The versions text names every object read (a few hundred characters); a digest of it is all an entry of the small form keeps.
    private static UInt128 Digest(string versions)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(versions), digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    /// <summary>What a listener's use depends on (without the pins ConfigMap), and what the owner's evaluation depends on (with it).</summary>
    private static (string Consumer, string Owner)? CertificateVersionsOf(ServerCertificate certificate, IResourceLookup lookup)
    {
        if (certificate.Metadata.Generation is not { } generation)
        {
            return null;
        }

        var ns = certificate.Metadata.NamespaceProperty ?? "default";
        var pins = new ResourceKey(V1ConfigMap.KubeKind, ns, certificate.Metadata.Name + ResourceReferences.PinsConfigMapSuffix);
        var version = generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return VersionsOf(certificate, lookup, k => k == pins, version) is { } consumer && VersionsOf(certificate, lookup, static _ => false, version) is { } owner
            ? (consumer, owner)
            : null;
    }

    /// <param name="ignored">Referenced objects left out (with what they reference).</param>
    /// <param name="rootVersion">The version to record for <paramref name="resource"/> itself instead of its resourceVersion.</param>
    private static string? VersionsOf(IKubernetesObject<V1ObjectMeta> resource, IResourceLookup lookup, Func<ResourceKey, bool> ignored, string? rootVersion = null)
    {
        var text = new StringBuilder(256);
        var seen = new HashSet<ResourceKey>();
        var pending = new Queue<(ResourceKey Key, IKubernetesObject<V1ObjectMeta>? Object)>([(ResourceKey.Of(resource), resource)]);
        while (pending.TryDequeue(out var next))
        {
            if (!seen.Add(next.Key) || ignored(next.Key))
            {
                continue;
            }

            // The key's text ("Kind ns/name") appended in parts, not through its ToString.
            text.Append(next.Key.Kind).Append(' ').Append(next.Key.Namespace).Append('/').Append(next.Key.Name).Append('=');
            if (next.Object is { } o)
            {
                var version = ReferenceEquals(o, resource) && rootVersion is not null ? "g" + rootVersion : o.Metadata.ResourceVersion;
                if (o.Metadata.Uid is not { } uid || version is null)
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

                // A pin by reference also reads the revocations of its namespace (one may revoke it), which nothing names.
                if (o is IssuedClientCertificate)
                {
                    foreach (var revocation in lookup.ClientCertificateRevocationsIn(next.Key.Namespace))
                    {
                        pending.Enqueue((ResourceKey.Of(revocation), revocation));
                    }
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

    private sealed record CertificateEntry((string Consumer, string Owner) Versions, DateTimeOffset At, DateTimeOffset Until, ServerCertificateEvaluation Result);

    private sealed record ServedEntry(UInt128 Consumer, DateTimeOffset At, DateTimeOffset Until, ServedIdentityRecipe? Recipe, V1Condition? Ready);
}
