using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace MtlsOperator.Tests.Docs;

/// <summary>Every string a person can read as a reason, found by following values backwards through the sources: from each write to a
/// reason field the user sees (a condition's <c>reason</c>, a status problem's <c>reason</c>, an Event's <c>reason</c>) through
/// parameters, locals, properties, tuples, returns and conditionals to the string constants (named or inline literals) they come from.
/// A value it cannot follow (built at run time, passed as a lambda, read from outside) is reported as <see cref="Untraced"/> rather than
/// skipped, so a reason can never go missing silently.</summary>
internal sealed class ReasonFlow
{
    private static readonly Lazy<SourceIndex> SharedIndex = new(() => new SourceIndex(SourceCompilation.Sources));
    private static readonly Lazy<ReasonFlow> SourceReasons = new(() => new ReasonFlow(SharedIndex.Value, IsReasonField));
    private static readonly Lazy<ReasonFlow> SourceConditionTypes = new(() => new ReasonFlow(SharedIndex.Value, IsConditionType));
    private readonly SourceIndex _index;
    private readonly Func<IPropertySymbol, bool> _isSink;
    private readonly HashSet<(ISymbol, int?)> _visited = [];
    private readonly Dictionary<string, SortedSet<string>> _reasons = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _untraced = new(StringComparer.Ordinal);

    private ReasonFlow(SourceIndex index, Func<IPropertySymbol, bool> isSink)
    {
        _index = index;
        _isSink = isSink;
        foreach (var (property, value) in index.PropertyWrites)
        {
            if (isSink(property))
            {
                Trace(value, element: null);
            }
        }
    }

    /// <summary>Each reason and the places (<c>path:line</c>) its constant reaches a user-visible reason field from.</summary>
    public IReadOnlyDictionary<string, SortedSet<string>> Values => _reasons;

    /// <summary>Places where a value flows into a reason field and cannot be traced to constants, with what the value is.</summary>
    public IReadOnlyCollection<string> Untraced => _untraced;

    /// <summary>Values of the reason fields a person reads (<see cref="IsReasonField"/>) in <paramref name="index"/> (default: <c>src/</c>).</summary>
    public static ReasonFlow Reasons(SourceIndex? index = null) => index is null ? SourceReasons.Value : new(index, IsReasonField);

    /// <summary>Values of metav1.Condition <c>type</c>: every condition type the operator sets.</summary>
    public static ReasonFlow ConditionTypes(SourceIndex? index = null) => index is null ? SourceConditionTypes.Value : new(index, IsConditionType);

    /// <summary>Fields a person reads as a reason: metav1.Condition and Event <c>reason</c>, and every <c>Reason</c> of the operator's
    /// own API types (status problems, and whatever status type is added later).</summary>
    internal static bool IsReasonField(IPropertySymbol property)
    {
        if (!string.Equals(property.Name, "Reason", StringComparison.Ordinal))
        {
            return false;
        }

        var type = property.ContainingType.ToDisplayString();
        return type is "k8s.Models.V1Condition" or "k8s.Models.Corev1Event" or "k8s.Models.Eventsv1Event"
            || type.StartsWith("MtlsOperator.Engine.Api.", StringComparison.Ordinal);
    }

    private static bool IsConditionType(IPropertySymbol property) =>
        property.Name == "Type" && property.ContainingType.ToDisplayString() == "k8s.Models.V1Condition";

    /// <summary>Functions that return their argument made safe for the API server (truncated, invalid characters replaced), or an
    /// equal shared instance of it (the cache's string pool): the reason is the argument's.</summary>
    private static bool PassesArgumentThrough(IMethodSymbol method) =>
        (method.ContainingType.ToDisplayString() is "MtlsOperator.Engine.Api.ConditionLimits" or "MtlsOperator.Engine.Api.StatusBounds"
            && method.Name is "Reason" or "Cut")
        || (method.ContainingType.ToDisplayString() is "MtlsOperator.Controller.Caching.StringPool" && method.Name is "Share");

    /// <summary>Follows <paramref name="op"/> (or its tuple element <paramref name="element"/>) back to constants.</summary>
    private void Trace(IOperation op, int? element)
    {
        while (op is IConversionOperation or IParenthesizedOperation)
        {
            op = op is IConversionOperation c ? c.Operand : ((IParenthesizedOperation)op).Operand;
        }

        if (element is null && op.ConstantValue is { HasValue: true } constant)
        {
            // An empty default (e.g. a status type's initializer) is no reason anyone reads.
            if (constant.Value is string { Length: > 0 } reason)
            {
                if (!_reasons.TryGetValue(reason, out var places))
                {
                    _reasons[reason] = places = new SortedSet<string>(StringComparer.Ordinal);
                }

                places.Add(SourceCompilation.Relative(op.Syntax.GetLocation()));
            }

            return;
        }

        switch (op)
        {
            case ITupleOperation tuple when element is { } i:
                Trace(tuple.Elements[i], null);
                break;
            case IConditionalOperation conditional:
                Trace(conditional.WhenTrue, element);
                if (conditional.WhenFalse is { } whenFalse)
                {
                    Trace(whenFalse, element);
                }

                break;
            case ICoalesceOperation coalesce:
                Trace(coalesce.Value, element);
                Trace(coalesce.WhenNull, element);
                break;
            case ISwitchExpressionOperation switchExpression:
                foreach (var arm in switchExpression.Arms)
                {
                    Trace(arm.Value, element);
                }

                break;
            case IParameterReferenceOperation parameter:
                TraceParameter(parameter.Parameter.OriginalDefinition, element, op);
                break;
            case ILocalReferenceOperation local:
                TraceWrites(local.Local, element, op);
                break;
            case IPropertyReferenceOperation property:
                TraceProperty(property.Property.OriginalDefinition, element, op);
                break;
            case IFieldReferenceOperation { Field.ContainingType.IsTupleType: true } tupleField when element is null:
                Trace(tupleField.Instance!, TupleIndex(tupleField.Field));
                break;
            case IFieldReferenceOperation field when field.Field.IsReadOnly && InSource(field.Field):
                TraceWrites(field.Field.OriginalDefinition, element, op);
                break;
            case IInvocationOperation invocation when PassesArgumentThrough(invocation.TargetMethod) && element is null:
                Trace(invocation.Arguments[0].Value, null);
                break;
            case IInvocationOperation invocation when InSource(invocation.TargetMethod):
                TraceReturns(invocation.TargetMethod.OriginalDefinition, element, op);
                break;
            default:
                Untrace(op, element, $"{op.Kind} is not followed");
                break;
        }
    }

    private void TraceParameter(IParameterSymbol parameter, int? element, IOperation at)
    {
        if (!_visited.Add((parameter, element)))
        {
            return;
        }

        if (parameter.ContainingSymbol is not IMethodSymbol method || !InSource(method) || method.MethodKind is MethodKind.AnonymousFunction)
        {
            Untrace(at, element, $"parameter {parameter.Name} of {parameter.ContainingSymbol.ToDisplayString()}, whose callers cannot be listed");
            return;
        }

        if (_index.MethodGroups.Contains(method.OriginalDefinition))
        {
            Untrace(at, element, $"parameter {parameter.Name} of {method.ToDisplayString()}, which is passed as a delegate");
            return;
        }

        if (method.MethodKind is MethodKind.PropertySet or MethodKind.EventAdd && method.AssociatedSymbol is IPropertySymbol setProperty)
        {
            TraceWrites(setProperty.OriginalDefinition, element, at);
            return;
        }

        foreach (var argument in _index.Arguments.GetValueOrDefault(parameter) ?? [])
        {
            Trace(argument, element);
        }
    }

    private void TraceProperty(IPropertySymbol property, int? element, IOperation at)
    {
        if (element is null && _isSink(property))
        {
            return; // A reason already set elsewhere, passed on (e.g. Stalled repeats Ready's reason): its own writes are traced.
        }

        if (!InSource(property))
        {
            Untrace(at, element, $"{property.ToDisplayString()} is read from outside the sources");
            return;
        }

        if (!_visited.Add((property, element)))
        {
            return;
        }

        if (property.GetMethod is { } getter && !IsAutoProperty(property))
        {
            TraceReturns(getter, element, at);
            return;
        }

        foreach (var write in _index.Writes.GetValueOrDefault(property) ?? [])
        {
            Trace(write.Op, Combine(write.Element, element));
        }

        // A record's positional property is set from the primary constructor's parameter of the same name.
        var primary = property.ContainingType.InstanceConstructors.FirstOrDefault(IsPrimaryConstructor);
        if (primary?.Parameters.FirstOrDefault(p => p.Name == property.Name) is { } parameter)
        {
            TraceParameter(parameter.OriginalDefinition, element, at);
        }
    }

    private void TraceWrites(ISymbol symbol, int? element, IOperation at)
    {
        if (!_visited.Add((symbol, element)))
        {
            return;
        }

        var writes = _index.Writes.GetValueOrDefault(symbol) ?? [];
        if (writes.Count == 0)
        {
            Untrace(at, element, $"{symbol.Name} is never assigned a value that can be followed (pattern, out or foreach variable?)");
        }

        foreach (var write in writes)
        {
            Trace(write.Op, Combine(write.Element, element));
        }
    }

    private void TraceReturns(IMethodSymbol method, int? element, IOperation at)
    {
        if (!_visited.Add((method, element)))
        {
            return;
        }

        var returned = ReturnedValues(method).ToList();
        if (returned.Count == 0)
        {
            Untrace(at, element, $"{method.ToDisplayString()} has no return statement to follow");
        }

        foreach (var value in returned)
        {
            Trace(value, element);
        }
    }

    private IEnumerable<IOperation> ReturnedValues(IMethodSymbol method)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax();
            var model = _index.Compilation.GetSemanticModel(syntax.SyntaxTree);
            var body = syntax switch
            {
                Microsoft.CodeAnalysis.CSharp.Syntax.BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax f => (SyntaxNode?)f.Body ?? f.ExpressionBody,
                Microsoft.CodeAnalysis.CSharp.Syntax.AccessorDeclarationSyntax a => (SyntaxNode?)a.Body ?? a.ExpressionBody,
                Microsoft.CodeAnalysis.CSharp.Syntax.ArrowExpressionClauseSyntax arrow => arrow,
                _ => null,
            };
            if (body is null || model.GetOperation(body) is not { } op)
            {
                continue;
            }

            foreach (var value in ReturnsOutsideNestedFunctions(op))
            {
                yield return value;
            }
        }
    }

    private static IEnumerable<IOperation> ReturnsOutsideNestedFunctions(IOperation op)
    {
        foreach (var child in op.ChildOperations)
        {
            if (child is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                continue;
            }

            if (child is IReturnOperation { ReturnedValue: { } value })
            {
                yield return value;
            }

            foreach (var nested in ReturnsOutsideNestedFunctions(child))
            {
                yield return nested;
            }
        }
    }

    private void Untrace(IOperation op, int? element, string why)
    {
        var what = element is { } i ? $"element {i} of {op.Syntax}" : op.Syntax.ToString();
        _untraced.Add($"{SourceCompilation.Relative(op.Syntax.GetLocation())}: {what}: {why}");
    }

    private static int? Combine(int? written, int? wanted) => written ?? wanted;

    private static int TupleIndex(IFieldSymbol field) =>
        field.ContainingType.TupleElements.Select((f, i) => (f, i)).First(x => SymbolEqualityComparer.Default.Equals(x.f.CorrespondingTupleField ?? x.f, field.CorrespondingTupleField ?? field)).i;

    private static bool InSource(ISymbol symbol) => symbol.Locations.Any(l => l.IsInSource);

    private static bool IsAutoProperty(IPropertySymbol property) =>
        property.ContainingType.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property))
        || property.DeclaringSyntaxReferences.All(r => r.GetSyntax() is not Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax p
            || (p.ExpressionBody is null && p.AccessorList?.Accessors.All(a => a.Body is null && a.ExpressionBody is null) != false));

    private static bool IsPrimaryConstructor(IMethodSymbol constructor) =>
        constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax);

}
