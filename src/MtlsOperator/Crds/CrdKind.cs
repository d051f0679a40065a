namespace MtlsOperator.Crds;

/// <summary>How one kind is presented by the API server: names, short names and <c>kubectl get</c> columns.</summary>
internal sealed record CrdKind(Type Type, string Kind, string Plural, string Singular, IReadOnlyList<string> ShortNames, IReadOnlyList<PrinterColumn> ExtraColumns);

/// <summary>An <c>additionalPrinterColumns</c> entry.</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string? Format = null, int Priority = 0);
