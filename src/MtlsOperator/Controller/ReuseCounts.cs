namespace MtlsOperator.Controller;

/// <summary>How much work a leadership term shared instead of repeating, as <see cref="OperatorMetrics.ObserveReuse"/> publishes it.</summary>
/// <param name="CertificatesEvaluated">ServerCertificate evaluations run, by listeners or by the certificate's own reconcile.</param>
/// <param name="CertificatesReused">ServerCertificate evaluations answered from memory (to listeners or to the certificate's own reconcile).</param>
/// <param name="PoliciesEvaluated">ClientAuthPolicy evaluations run.</param>
/// <param name="PoliciesReused">ClientAuthPolicy evaluations answered from memory.</param>
/// <param name="ConvergedRecalls">Reconciles answered without evaluating.</param>
internal readonly record struct ReuseCounts(long CertificatesEvaluated, long CertificatesReused, long PoliciesEvaluated, long PoliciesReused, long ConvergedRecalls);
