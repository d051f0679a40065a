using System.Collections.Immutable;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Rendering;

/// <summary>Requests under <paramref name="Prefix"/> are admitted by these pins and rules instead of the model's own (spec.paths).</summary>
/// <param name="Pins">One chosen form per pin entry, as <see cref="ListenerRenderModel.Pins"/>.</param>
public sealed record PathScope(string Prefix, ImmutableArray<CertificatePin> Pins, ImmutableArray<ClientMatchRule> Rules);
