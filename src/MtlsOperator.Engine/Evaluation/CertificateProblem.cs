namespace MtlsOperator.Engine.Evaluation;

/// <summary>One reason a server certificate cannot be served: the <c>Ready=False</c> reason and a message a person can act on.</summary>
internal sealed record CertificateProblem(string Reason, string Message);
