using System.Globalization;

namespace MtlsOperator.Engine.Tests.Properties;

/// <summary>Seeded random cases for property tests: the seed is fixed per test (so runs are deterministic), can be replaced with
/// <c>MTLS_TEST_SEED=&lt;n&gt;</c> to replay or explore, and is printed with every failure.</summary>
public static class Seeded
{
    public const string SeedVariable = "MTLS_TEST_SEED";

    /// <summary>The seed in use: <see cref="SeedVariable"/> when set, else <paramref name="defaultSeed"/>.</summary>
    public static int SeedOr(int defaultSeed) =>
        int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : defaultSeed;

    /// <summary>Runs <paramref name="check"/> for <paramref name="cases"/> cases, each with its own generator derived from the seed;
    /// a failure is rethrown naming the seed and the case.</summary>
    public static void ForAll(int defaultSeed, int cases, Action<Random, int> check)
    {
        var seed = SeedOr(defaultSeed);
        var master = new Random(seed);
        for (var i = 0; i < cases; i++)
        {
            var caseSeed = master.Next();
            try
            {
                check(new Random(caseSeed), i);
            }
            catch (Exception e)
            {
                throw new SeededCaseException($"case {i} failed with {SeedVariable}={seed.ToString(CultureInfo.InvariantCulture)}: {e.Message}", e);
            }
        }
    }

    /// <summary>A failed case, with the seed that replays it.</summary>
    public sealed class SeededCaseException(string message, Exception inner) : Exception(message, inner);
}
