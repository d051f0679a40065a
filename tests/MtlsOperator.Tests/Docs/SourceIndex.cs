using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace MtlsOperator.Tests.Docs;

/// <summary>Where values flow in the operator's sources, indexed once: what is written to each local, field and property, what each
/// parameter is given at each call, and which methods are passed as delegates (their callers cannot be listed).</summary>
internal sealed class SourceIndex
{
    public SourceIndex(Compilation compilation)
    {
        Compilation = compilation;
        foreach (var root in RootOperations(compilation))
        {
            foreach (var op in root.DescendantsAndSelf())
            {
                Index(op);
            }
        }
    }

    public Compilation Compilation { get; }

    /// <summary>Every value assigned to a symbol (local, field, property), in any form.</summary>
    public Dictionary<ISymbol, List<WrittenValue>> Writes { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Every argument passed for a parameter, including default values filled in by the compiler.</summary>
    public Dictionary<IParameterSymbol, List<IOperation>> Arguments { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Methods used as method groups (delegates).</summary>
    public HashSet<IMethodSymbol> MethodGroups { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Every assignment to a property (including object initializers and <c>with</c>) and property initializer.</summary>
    public List<(IPropertySymbol Property, IOperation Value)> PropertyWrites { get; } = [];

    /// <summary>The outermost operation of every member body, initializer and attribute: a walk from the top that stops descending where
    /// the compiler gives an operation (everything below it is among that operation's descendants).</summary>
    private static IEnumerable<IOperation> RootOperations(Compilation compilation)
    {
        var roots = new HashSet<IOperation>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            var pending = new Stack<SyntaxNode>([tree.GetRoot()]);
            while (pending.TryPop(out var node))
            {
                if (model.GetOperation(node) is { } op)
                {
                    while (op.Parent is { } parent)
                    {
                        op = parent;
                    }

                    roots.Add(op);
                    continue;
                }

                foreach (var child in node.ChildNodes())
                {
                    pending.Push(child);
                }
            }
        }

        return roots;
    }

    private void Index(IOperation op)
    {
        switch (op)
        {
            case ISimpleAssignmentOperation assignment:
                if (assignment.Target is IPropertyReferenceOperation { Property: var assigned })
                {
                    PropertyWrites.Add((assigned.OriginalDefinition, assignment.Value));
                }

                if (SymbolOf(assignment.Target) is { } target)
                {
                    Add(Writes, target, new WrittenValue(assignment.Value, null));
                }

                break;
            case IVariableDeclaratorOperation { Initializer: { } init } declarator:
                Add(Writes, declarator.Symbol, new WrittenValue(init.Value, null));
                break;
            case IPropertyInitializerOperation propertyInit:
                foreach (var p in propertyInit.InitializedProperties)
                {
                    Add(Writes, p.OriginalDefinition, new WrittenValue(propertyInit.Value, null));
                    PropertyWrites.Add((p.OriginalDefinition, propertyInit.Value));
                }

                break;
            case IFieldInitializerOperation fieldInit:
                foreach (var f in fieldInit.InitializedFields)
                {
                    Add(Writes, f.OriginalDefinition, new WrittenValue(fieldInit.Value, null));
                }

                break;
            case IDeconstructionAssignmentOperation deconstruction:
                var targets = deconstruction.Target is IDeclarationExpressionOperation d ? d.Expression : deconstruction.Target;
                if (targets is ITupleOperation tuple)
                {
                    for (var i = 0; i < tuple.Elements.Length; i++)
                    {
                        if (SymbolOf(tuple.Elements[i]) is { } symbol)
                        {
                            Add(Writes, symbol, new WrittenValue(deconstruction.Value, i));
                        }
                    }
                }

                break;
            case IArgumentOperation { Parameter: { } parameter } argument:
                Add(Arguments, parameter.OriginalDefinition, argument.Value);
                break;
            case IMethodReferenceOperation reference:
                MethodGroups.Add(reference.Method.OriginalDefinition);
                break;
        }
    }

    private static ISymbol? SymbolOf(IOperation op) => op switch
    {
        ILocalReferenceOperation l => l.Local,
        IDeclarationExpressionOperation { Expression: ILocalReferenceOperation l } => l.Local,
        IPropertyReferenceOperation p => p.Property.OriginalDefinition,
        IFieldReferenceOperation f => f.Field.OriginalDefinition,
        _ => null,
    };

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

}

/// <summary>A value written to a symbol: the whole value, or one element of a tuple (deconstruction).</summary>
internal sealed record WrittenValue(IOperation Op, int? Element);
