namespace MtlsOperator.Engine.Evaluation;

/// <summary>Why a listener cannot be rendered now: the <c>Ready=False</c> reason and a message a person can act on.</summary>
internal sealed record ListenerFailure(string Reason, string Message);
