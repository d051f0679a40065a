using System.Collections.Immutable;

namespace MtlsOperator.Engine.Policy;

/// <summary>One pinned client from a policy. <see cref="Forms"/> are equivalent: a typed pin has one form, a pinned
/// certificate has all three, so a listener can enforce whichever form its proxy supports.</summary>
/// <param name="Source">Spec location, e.g. <c>spec.pins[1]</c>.</param>
public sealed record PinEntry(string Source, ImmutableArray<CertificatePin> Forms);
