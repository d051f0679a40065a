using System.Text.Json.Nodes;
using Cel;
using static Cel.Internal.CelParser;

namespace MtlsOperator.Tests.Crds.CelCost;

/// <summary>Estimates the worst-case cost of one <c>x-kubernetes-validations</c> rule the way the API server does when a CRD is
/// written: cel-go's static cost model (checker/cost.go: 1 per identifier and field selection, 10 per list literal, string
/// operations at 0.1 per character, regexes at 0.25 per pattern character, comprehensions as range size times loop cost) fed with
/// apiextensions' size estimates (maxLength / maxItems, or what fits in a 3 MiB request). Parses with the Cel package's grammar.
/// Covers the constructs CRD rules commonly use and throws on anything else, so a new rule either gets a true estimate or a failing
/// test that says which construct to add.</summary>
internal sealed class CelCostEstimator
{
    private static readonly CelEnvironment s_parser = new(null!, "");
    private readonly Dictionary<string, CelValue> _scope = [];

    private CelCostEstimator(JsonObject self)
    {
        _scope["self"] = CelValue.Of(self);

        // A transition rule's oldSelf has the type (and so the size bounds) of self, as the API server declares it.
        _scope["oldSelf"] = CelValue.Of(self);
    }

    /// <summary>The estimated maximum cost of <paramref name="rule"/> declared on the schema node <paramref name="self"/>.</summary>
    public static ulong MaxCost(string rule, JsonObject self) => new CelCostEstimator(self).Expr(s_parser.Parse(rule).e).Cost;

    private readonly record struct Estimate(ulong Cost, CelValue Value);

    private Estimate Expr(ExprContext e)
    {
        var condition = Or(e.e);
        if (e.op is null)
        {
            return condition;
        }

        // Conditional: the condition plus the dearer branch.
        var whenTrue = Or(e.e1);
        var whenFalse = Expr(e.e2);
        var value = whenTrue.Value.MaxSize >= whenFalse.Value.MaxSize ? whenTrue.Value : whenFalse.Value;
        return new(Add(condition.Cost, Math.Max(whenTrue.Cost, whenFalse.Cost)), value);
    }

    // && and || cost their operands only (the maximum assumes no short circuit).
    private Estimate Or(ConditionalOrContext e) =>
        e._e1.Aggregate(And(e.e), (left, right) => new(Add(left.Cost, And(right).Cost), CelValue.Bool));

    private Estimate And(ConditionalAndContext e) =>
        e._e1.Aggregate(Relation(e.e), (left, right) => new(Add(left.Cost, Relation(right).Cost), CelValue.Bool));

    private Estimate Relation(RelationContext e)
    {
        if (e.calc() is { } calc)
        {
            return Calc(calc);
        }

        var left = Relation(e.relation(0));
        var right = Relation(e.relation(1));
        var args = Add(left.Cost, right.Cost);
        return e.op.Text switch
        {
            "in" => new(Add(right.Value.MaxSize, args), CelValue.Bool),
            "==" or "!=" => new(Add(Traversal(Math.Min(left.Value.MaxSize, right.Value.MaxSize), 0.1), args), CelValue.Bool),
            _ when left.Value.Kind == CelKind.String => new(Add(Traversal(Math.Min(left.Value.MaxSize, right.Value.MaxSize), 0.1), args), CelValue.Bool),
            _ => new(Add(1, args), CelValue.Bool),
        };
    }

    private Estimate Calc(CalcContext e)
    {
        if (e.unary() is { } unary)
        {
            return Unary(unary);
        }

        var left = Calc(e.calc(0));
        var right = Calc(e.calc(1));
        var args = Add(left.Cost, right.Cost);
        if (e.op.Text == "+" && left.Value.Kind is CelKind.String or CelKind.List)
        {
            var size = Add(left.Value.MaxSize, right.Value.MaxSize);
            var cost = left.Value.Kind == CelKind.String ? Traversal(size, 0.1) : 1;
            return new(Add(cost, args), left.Value with { MaxSize = size });
        }

        return new(Add(1, args), CelValue.Int);
    }

    private Estimate Unary(UnaryContext e) => e switch
    {
        MemberExprContext m => Member(m.member()),
        LogicalNotContext n => new(Add(Member(n.member()).Cost, (ulong)n._ops.Count), CelValue.Bool),
        NegateContext n => new(Add(Member(n.member()).Cost, (ulong)n._ops.Count), CelValue.Int),
        _ => throw Unsupported(e.GetText()),
    };

    private Estimate Member(MemberContext e) => e switch
    {
        PrimaryExprContext p => Primary(p.primary()),
        SelectContext s => Select(s),
        MemberCallContext c => MemberCall(c),
        IndexContext i => Index(i),
        _ => throw Unsupported(e.GetText()),
    };

    private Estimate Select(SelectContext s)
    {
        var target = Member(s.member());
        var selectCost = target.Value.Kind == CelKind.Object ? 1UL : 0;
        return new(Add(target.Cost, selectCost), target.Value.Field(s.id.Text));
    }

    private Estimate Index(IndexContext i)
    {
        var target = Member(i.member());
        var index = Expr(i.index);
        return new(Add(Add(target.Cost, index.Cost), 1), target.Value.Items ?? throw Unsupported(i.GetText()));
    }

    private Estimate MemberCall(MemberCallContext c)
    {
        var name = c.id.Text;
        var args = c.args?._e ?? [];
        if (name is "all" or "exists" or "exists_one" or "filter" or "map")
        {
            return Comprehension(name, Member(c.member()), args);
        }

        var target = Member(c.member());
        var argEstimates = args.Select(Expr).ToList();
        var argCost = argEstimates.Aggregate(target.Cost, (sum, a) => Add(sum, a.Cost));
        var t = target.Value.MaxSize;
        return name switch
        {
            "size" => new(Add(argCost, 1), CelValue.Int),
            "matches" => new(Add(argCost, Multiply(Traversal(Add(t, 1), 0.1), Traversal(argEstimates[0].Value.MaxSize, 0.25))), CelValue.Bool),
            "contains" => new(Add(argCost, Multiply(Traversal(t, 0.1), Traversal(argEstimates[0].Value.MaxSize, 0.1))), CelValue.Bool),
            "startsWith" or "endsWith" => new(Add(argCost, Traversal(argEstimates[0].Value.MaxSize, 0.1)), CelValue.Bool),
            _ => throw Unsupported(name + "()"),
        };
    }

    /// <summary>The macros as cel-go expands them: range + accumulator init + result, plus range size times (step + condition).</summary>
    private Estimate Comprehension(string macro, Estimate range, IList<ExprContext> args)
    {
        var variable = args[0].GetText();
        var items = range.Value.Items ?? throw Unsupported($"{macro} over a {range.Value.Kind}");
        _scope[variable] = items;
        var body = Expr(args[1]);
        _scope.Remove(variable);
        var n = range.Value.MaxSize;
        var (init, perItem, result, value) = macro switch
        {
            "all" => (0UL, Add(body.Cost, 3), 1UL, CelValue.Bool),            // step accu && p, condition @not_strictly_false(accu)
            "exists" => (0UL, Add(body.Cost, 4), 1UL, CelValue.Bool),         // step accu || p, condition @not_strictly_false(!accu)
            "exists_one" => (0UL, Add(body.Cost, 2), 2UL, CelValue.Bool),     // step p ? accu + 1 : accu, result accu == 1
            "filter" => (10UL, Add(body.Cost, 13), 1UL, range.Value),         // init [], step p ? accu + [x] : accu
            _ => (10UL, Add(body.Cost, 12), 1UL, range.Value with { Items = body.Value }), // map: init [], step accu + [f]
        };
        return new(Add(Add(Add(range.Cost, init), result), Multiply(n, perItem)), value);
    }

    private Estimate Primary(PrimaryContext p)
    {
        switch (p)
        {
            case IdentOrGlobalCallContext { op: null } ident:
                return new(1, _scope.TryGetValue(ident.id.Text, out var v) ? v : throw Unsupported("identifier " + ident.id.Text));
            case IdentOrGlobalCallContext call when call.id.Text == "has":
                // A presence test costs 1 on top of its operand, and no field selection.
                var selected = SelectIn(call.args._e[0]) ?? throw Unsupported(call.GetText());
                return new(Add(Member(selected.member()).Cost, 1), CelValue.Bool);
            case IdentOrGlobalCallContext call when call.id.Text == "size":
                return new(Add(Expr(call.args._e[0]).Cost, 1), CelValue.Int);
            case NestedContext nested:
                return Expr(nested.e);
            case CreateListContext list:
                var elements = (list.elems?._elems ?? []).Select(o => Expr(o.e)).ToList();
                var items = elements.Count == 0 ? CelValue.Bool : elements.MaxBy(x => x.Value.MaxSize).Value;
                return new(elements.Aggregate(10UL, (sum, x) => Add(sum, x.Cost)), new CelValue(CelKind.List, (ulong)elements.Count, Items: items));
            case ConstantLiteralContext literal:
                return new(0, Literal(literal.literal()));
            default:
                throw Unsupported(p.GetText());
        }
    }

    private static CelValue Literal(LiteralContext literal) => literal switch
    {
        StringContext s => new CelValue(CelKind.String, (ulong)Math.Max(0, s.tok.Text.Length - 2)),
        IntContext or UintContext => CelValue.Int,
        BoolTrueContext or BoolFalseContext => CelValue.Bool,
        _ => throw Unsupported(literal.GetText()),
    };

    /// <summary>The field selection an expression consists of, if it is only that.</summary>
    private static SelectContext? SelectIn(ExprContext e) =>
        e.op is null && e.e._e1.Count == 0 && e.e.e._e1.Count == 0 && e.e.e.e.calc()?.unary() is MemberExprContext m ? m.member() as SelectContext : null;

    // cel-go multiplies a size by a per-unit factor and rounds up.
    private static ulong Traversal(ulong size, double factor) =>
        size == ulong.MaxValue ? ulong.MaxValue : (ulong)Math.Min(Math.Ceiling(size * factor), ulong.MaxValue);

    private static ulong Add(ulong a, ulong b) => a > ulong.MaxValue - b ? ulong.MaxValue : a + b;

    private static ulong Multiply(ulong a, ulong b) => b != 0 && a > ulong.MaxValue / b ? ulong.MaxValue : a * b;

    private static NotSupportedException Unsupported(string what) =>
        new($"the CEL cost estimator does not model {what}; extend tests/MtlsOperator.Tests/Crds/CelCost/CelCostEstimator.cs from cel-go's checker/cost.go");
}
