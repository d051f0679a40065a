using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>Cuts a status down to the bounds its CRD declares (the same <see cref="MaxLengthAttribute"/> / <see cref="ItemsAttribute"/>
/// the schema is generated from, and metav1.Condition's), so a status write is never refused for size: a refused write would leave
/// the last status in place and retry forever. What is cut is marked; a count field (e.g. certificateCount) keeps the true number.</summary>
public static class StatusBounds
{
    /// <summary>Marks a cut string.</summary>
    public const string Ellipsis = "…";

    private const int ConditionReason = 1024;
    private const int ConditionMessage = 32768;

    /// <summary>Cuts <paramref name="status"/> in place and returns it.</summary>
    public static T Clamp<T>(T status)
        where T : class
    {
        ClampObject(status);
        return status;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (PropertyInfo Property, int? Max, int ItemMax)[]> s_bounds = new();

    private static void ClampObject(object value)
    {
        if (value is V1Condition condition)
        {
            condition.Reason = Cut(condition.Reason, ConditionReason, "");
            condition.Message = Cut(condition.Message, ConditionMessage, Ellipsis);
            return;
        }

        foreach (var (p, max, itemMax) in s_bounds.GetOrAdd(value.GetType(), BoundsOf))
        {
            switch (p.GetValue(value))
            {
                case string s when max is { } m:
                    p.SetValue(value, Cut(s, m, Ellipsis));
                    break;
                case IList list:
                    if (max is { } n && list.Count > n)
                    {
                        while (list.Count > n)
                        {
                            list.RemoveAt(list.Count - 1);
                        }
                    }

                    for (var i = 0; i < list.Count; i++)
                    {
                        if (list[i] is string item && itemMax > 0)
                        {
                            list[i] = Cut(item, itemMax, Ellipsis);
                        }
                        else if (list[i] is { } element && element is not string)
                        {
                            ClampObject(element);
                        }
                    }

                    break;
                case { } nested when nested.GetType().Namespace == typeof(StatusBounds).Namespace:
                    ClampObject(nested);
                    break;
            }
        }
    }

    /// <summary>Each settable property with its bounds, read once per type: attribute lookups were a measurable part of every evaluation.</summary>
    private static (PropertyInfo Property, int? Max, int ItemMax)[] BoundsOf(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.CanWrite)
            .Select(p => (p, p.GetCustomAttribute<MaxLengthAttribute>()?.Length, p.GetCustomAttribute<ItemsAttribute>()?.MaxLength ?? 0))];

    private static string Cut(string text, int max, string mark) =>
        text is null || text.Length <= max ? text! : text[..(max - mark.Length)] + mark;
}
