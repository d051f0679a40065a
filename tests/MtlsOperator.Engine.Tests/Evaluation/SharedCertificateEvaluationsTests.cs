using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.ServerCertificates;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>A listener takes its ServerCertificate's own evaluation instead of evaluating it again, while the certificate's generation
/// and what it reads are unchanged and none of the certificate's moments (valid from, warning, renewal, expiry) has passed.</summary>
public sealed class SharedCertificateEvaluationsTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot("CN=Shared Certificates CA");

    private readonly SharedEvaluations _shared = new();
    private readonly TrustEngine _engine;
    private int _evaluated;

    public SharedCertificateEvaluationsTests() => _engine = new TrustEngine(_shared);

    [Fact]
    public void A_listener_gets_the_certificates_own_evaluation_while_nothing_changes()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        var own = _engine.Evaluate(certificate, Owner(Now, certificate, secret));

        var consumed = Consume(certificate, Now.AddSeconds(30), certificate, secret);

        Assert.Equal(0, _evaluated);
        Assert.NotNull(consumed.Identity);
        Assert.Equal((own.Identity!.ChainPem, own.Identity.KeyPem, own.Identity.NotAfter), (consumed.Identity.ChainPem, consumed.Identity.KeyPem, consumed.Identity.NotAfter));
    }

    [Fact]
    public void A_status_write_of_the_certificate_changes_its_resourceVersion_but_not_what_listeners_get()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        _engine.Evaluate(certificate, Owner(Now, certificate, secret));

        certificate.Metadata.ResourceVersion = "100";
        Consume(certificate, Now.AddSeconds(1), certificate, secret);

        Assert.Equal(0, _evaluated);
    }

    [Fact]
    public void A_new_version_of_the_tls_secret_is_evaluated_again_and_served()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        _engine.Evaluate(certificate, Owner(Now, certificate, secret));
        var renewed = s_ca.IssueServer("web.example.com");
        var (_, newSecret) = World(renewed, secretVersion: "2");

        var consumed = Consume(certificate, Now.AddSeconds(1), certificate, newSecret);

        Assert.Equal(1, _evaluated);
        Assert.Contains(PemExport.Certificate(renewed).Trim(), consumed.Identity!.ChainPem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_generation_of_the_certificate_is_evaluated_again()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        _engine.Evaluate(certificate, Owner(Now, certificate, secret));

        certificate.Metadata.Generation++;
        certificate.Spec.Hostnames = ["other.example.com"];
        var consumed = Consume(certificate, Now.AddSeconds(1), certificate, secret);

        Assert.Equal(1, _evaluated);
        Assert.Null(consumed.Identity);
    }

    [Fact]
    public void Expiry_passing_is_evaluated_again_and_the_listener_gets_no_identity()
    {
        var notAfter = Now.AddMinutes(2);
        var (certificate, secret) = World(s_ca.IssueServer(new LeafOptions { DnsNames = ["web.example.com"], NotBefore = Now.AddDays(-1), NotAfter = notAfter }));
        Assert.NotNull(_engine.Evaluate(certificate, Owner(Now, certificate, secret)).Identity);

        var consumed = Consume(certificate, notAfter.AddSeconds(1), certificate, secret);

        Assert.Equal(1, _evaluated);
        Assert.Null(consumed.Identity);
    }

    [Fact]
    public void A_certificate_becoming_valid_is_evaluated_again_and_the_listener_gets_its_identity()
    {
        var notBefore = Now.AddMinutes(1);
        var (certificate, secret) = World(s_ca.IssueServer(new LeafOptions { DnsNames = ["web.example.com"], NotBefore = notBefore, NotAfter = Now.AddDays(90) }));
        Assert.Null(_engine.Evaluate(certificate, Owner(Now, certificate, secret)).Identity);

        var consumed = Consume(certificate, notBefore.AddSeconds(1), certificate, secret);

        Assert.Equal(1, _evaluated);
        Assert.NotNull(consumed.Identity);
    }

    [Fact]
    public void A_result_older_than_the_maximum_age_is_evaluated_again()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        _engine.Evaluate(certificate, Owner(Now, certificate, secret));

        Consume(certificate, Now + SharedEvaluations.MaxCertificateAge, certificate, secret);

        Assert.Equal(1, _evaluated);
    }

    [Fact]
    public void An_own_evaluation_that_is_about_to_write_a_new_key_is_not_offered_to_listeners()
    {
        var certificate = SelfSigned(["web.example.com"], uid: "cert-uid");
        certificate.Metadata.ResourceVersion = "1";
        var own = _engine.Evaluate(certificate, Owner(Now, certificate));
        Assert.NotNull(own.KeySecret);

        var consumed = Consume(certificate, Now.AddSeconds(1), certificate);

        Assert.Equal(1, _evaluated);
        Assert.Null(consumed.Identity);
    }

    [Fact]
    public void The_certificates_own_reconcile_after_its_listener_takes_the_listeners_evaluation()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        var consumed = Consume(certificate, Now, certificate, secret);

        var own = _engine.Evaluate(certificate, Owner(Now.AddSeconds(2), certificate, secret));

        Assert.Equal((1, 1L), (_evaluated, _shared.CertificateReuses));
        Assert.Same(consumed.Identity, own.Identity);
    }

    [Fact]
    public void A_foreign_pins_configmap_appearing_is_evaluated_again_by_the_owner_but_not_by_listeners()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        Consume(certificate, Now, certificate, secret);
        var foreign = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "web-pins", NamespaceProperty = Namespace, Uid = "foreign-uid", ResourceVersion = "5" } };

        _engine.Evaluate(certificate, Owner(Now.AddSeconds(1), certificate, secret, foreign));
        Consume(certificate, Now.AddSeconds(2), certificate, secret, foreign);

        Assert.Equal((1, 1L), (_evaluated, _shared.CertificateReuses));
    }

    [Fact]
    public void A_self_signed_certificates_own_reconcile_never_takes_a_listeners_evaluation()
    {
        var certificate = SelfSigned(["web.example.com"], uid: "cert-uid");
        certificate.Metadata.ResourceVersion = "1";
        var bootstrap = _engine.Evaluate(certificate, Owner(Now, certificate)).KeySecret!;
        (bootstrap.Metadata.Uid, bootstrap.Metadata.ResourceVersion) = ("bootstrap-uid", "1");
        Consume(certificate, Now, certificate, bootstrap);

        _engine.Evaluate(certificate, Owner(Now.AddSeconds(1), certificate, bootstrap));

        Assert.Equal(0L, _shared.CertificateReuses);
    }

    [Fact]
    public void The_oldest_full_results_go_first_past_the_capacity_while_listeners_keep_the_small_form()
    {
        var status = new ServerCertificateStatus();
        var certificates = Enumerable.Range(0, SharedEvaluations.CertificateCapacity + 1).Select(i => Named($"c{i}")).ToList();
        foreach (var certificate in certificates)
        {
            _shared.Certificate(certificate, Owner(Now, certificate), (_, _) => new ServerCertificateEvaluation(status, null, null, null));
        }

        var ownAgain = 0;
        _shared.OwnCertificate(certificates[^1], Owner(Now, certificates[^1]), (_, _) => { ownAgain++; return new ServerCertificateEvaluation(status, null, null, null); });
        _shared.OwnCertificate(certificates[0], Owner(Now, certificates[0]), (_, _) => { ownAgain++; return new ServerCertificateEvaluation(status, null, null, null); });
        Consume(certificates[0], Now, certificates[0]);

        Assert.Equal(1, ownAgain);
        Assert.Equal(0, _evaluated);
    }

    [Fact]
    public void An_owner_takes_its_listeners_full_result_once_and_listeners_keep_the_small_form()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        var consumed = Consume(certificate, Now, certificate, secret);
        var owners = 0;
        ServerCertificateEvaluation Own(DateTimeOffset at) => _shared.OwnCertificate(certificate, Owner(at, certificate, secret), (c, context) =>
        {
            owners++;
            return new TrustEngine().Evaluate(c, context);
        });

        Assert.Same(consumed.Identity, Own(Now.AddSeconds(1)).Identity);
        Own(Now.AddSeconds(2));
        var again = Consume(certificate, Now.AddSeconds(3), certificate, secret);

        Assert.Equal((1, 1), (_evaluated, owners));
        Assert.Equal(consumed.Identity!.ChainPem, again.Identity!.ChainPem);
    }

    [Fact]
    public async Task A_listener_asking_while_its_certificate_is_being_evaluated_waits_for_that_evaluation()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var owner = Task.Run(() => _shared.OwnCertificate(certificate, Owner(Now, certificate, secret), (c, context) =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return new TrustEngine().Evaluate(c, context);
        }));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));

        var listener = Task.Run(() => Consume(certificate, Now, certificate, secret));
        // Without waiting for the running evaluation, the listener would evaluate on its own well within this time.
        await Task.Delay(300);
        release.Set();

        var (own, consumed) = (await owner, await listener);
        Assert.Equal(0, _evaluated);
        Assert.Same(own.Identity, consumed.Identity);
    }

    [Fact]
    public void Results_that_come_and_go_many_times_over_leave_the_capacity_working()
    {
        var status = new ServerCertificateStatus();
        var few = Enumerable.Range(0, 8).Select(i => Named($"churn{i}")).ToList();
        for (var round = 0; round < SharedEvaluations.CertificateCapacity; round++)
        {
            foreach (var certificate in few)
            {
                // A new generation each round: a listener evaluates first, then the owner takes the result, which is then forgotten.
                certificate.Metadata.Generation++;
                _shared.Certificate(certificate, Owner(Now, certificate), (_, _) => new ServerCertificateEvaluation(status, null, null, null));
                _shared.OwnCertificate(certificate, Owner(Now, certificate), (_, _) => throw new InvalidOperationException("the owner should take the listener's result"));
            }
        }

        var fresh = Enumerable.Range(0, SharedEvaluations.CertificateCapacity + 1).Select(i => Named($"fresh{i}")).ToList();
        foreach (var certificate in fresh)
        {
            _shared.Certificate(certificate, Owner(Now, certificate), (_, _) => new ServerCertificateEvaluation(status, null, null, null));
        }

        var ownAgain = 0;
        _shared.OwnCertificate(fresh[^1], Owner(Now, fresh[^1]), (_, _) => { ownAgain++; return new ServerCertificateEvaluation(status, null, null, null); });
        _shared.OwnCertificate(fresh[0], Owner(Now, fresh[0]), (_, _) => { ownAgain++; return new ServerCertificateEvaluation(status, null, null, null); });
        Assert.Equal(1, ownAgain);
    }

    [Fact]
    public void A_listener_gets_the_identity_rebuilt_from_its_secret_once_the_full_result_is_gone()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        var own = _engine.Evaluate(certificate, Owner(Now, certificate, secret));
        Crowd();

        var consumed = Consume(certificate, Now.AddSeconds(30), certificate, secret);

        Assert.Equal(0, _evaluated);
        var (expected, actual) = (own.Identity!, consumed.Identity!);
        Assert.NotSame(expected, actual);
        Assert.Equal((expected.Name, expected.ChainPem, expected.KeyPem, expected.NotAfter), (actual.Name, actual.ChainPem, actual.KeyPem, actual.NotAfter));
        Assert.Equal(expected.Hostnames, actual.Hostnames);
    }

    [Fact]
    public void A_listener_gets_the_ready_condition_of_an_unservable_certificate_from_the_small_form()
    {
        var (certificate, secret) = World(s_ca.IssueServer("other.example.com"));
        var own = _engine.Evaluate(certificate, Owner(Now, certificate, secret));
        Crowd();

        var consumed = Consume(certificate, Now.AddSeconds(30), certificate, secret);

        Assert.Equal(0, _evaluated);
        Assert.Null(consumed.Identity);
        Assert.Equal(Condition(own, ConditionTypes.Ready).Message, Condition(consumed, ConditionTypes.Ready).Message);
    }

    [Fact]
    public void The_small_form_is_not_used_for_a_new_version_of_the_tls_secret()
    {
        var (certificate, secret) = World(s_ca.IssueServer("web.example.com"));
        _engine.Evaluate(certificate, Owner(Now, certificate, secret));
        Crowd();
        var renewed = s_ca.IssueServer("web.example.com");
        var (_, newSecret) = World(renewed, secretVersion: "2");

        var consumed = Consume(certificate, Now.AddSeconds(1), certificate, newSecret);

        Assert.Equal(1, _evaluated);
        Assert.Contains(PemExport.Certificate(renewed).Trim(), consumed.Identity!.ChainPem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_small_form_ends_at_the_certificates_next_moment_like_the_full_one()
    {
        var notAfter = Now.AddMinutes(2);
        var (certificate, secret) = World(s_ca.IssueServer(new LeafOptions { DnsNames = ["web.example.com"], NotBefore = Now.AddDays(-1), NotAfter = notAfter }));
        _engine.Evaluate(certificate, Owner(Now, certificate, secret));
        Crowd();

        var consumed = Consume(certificate, notAfter.AddSeconds(1), certificate, secret);

        Assert.Equal(1, _evaluated);
        Assert.Null(consumed.Identity);
    }

    // Fills the full form's capacity with other certificates, so only the small form can still answer for the first one.
    private void Crowd()
    {
        var status = new ServerCertificateStatus();
        foreach (var other in Enumerable.Range(0, SharedEvaluations.CertificateCapacity).Select(i => Named($"crowd{i}")))
        {
            _shared.Certificate(other, Owner(Now, other), (_, _) => new ServerCertificateEvaluation(status, null, null, null));
        }
    }

    private ServerCertificateEvaluation Consume(ServerCertificate certificate, DateTimeOffset now, params IKubernetesObject<V1ObjectMeta>[] world) =>
        _shared.Certificate(certificate, new EvaluationContext(ResourceSnapshot.Of(world), now, AllowBootstrapGeneration: false), (c, context) =>
        {
            _evaluated++;
            return new TrustEngine().Evaluate(c, context);
        });

    private static EvaluationContext Owner(DateTimeOffset now, params IKubernetesObject<V1ObjectMeta>[] world) => new(ResourceSnapshot.Of(world), now);

    private static ServerCertificate Named(string name)
    {
        var certificate = FromSecret("web.example.com");
        (certificate.Metadata.Name, certificate.Metadata.Uid, certificate.Metadata.ResourceVersion) = (name, name + "-uid", "1");
        return certificate;
    }

    private static (ServerCertificate Certificate, V1Secret Secret) World(X509Certificate2 leaf, string secretVersion = "1")
    {
        var certificate = FromSecret("web.example.com");
        (certificate.Metadata.Uid, certificate.Metadata.ResourceVersion) = ("cert-uid", "1");
        var secret = TlsSecret(leaf, s_ca.Certificate);
        (secret.Metadata.Uid, secret.Metadata.ResourceVersion) = ("secret-uid", secretVersion);
        return (certificate, secret);
    }
}
