namespace TestPki;

/// <summary>Seeds for property and fuzz tests: random per run, or fixed with <c>MTLS_FUZZ_SEED=N</c> to replay a failure.
/// Put <see cref="Describe"/> in every assertion message so a failure prints the seed that found it.</summary>
public static class FuzzSeed
{
    public const string Variable = "MTLS_FUZZ_SEED";

    /// <summary>The seed for this run.</summary>
    public static int Next() =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out var fixedSeed) ? fixedSeed : Random.Shared.Next();

    /// <summary>"seed N (replay: MTLS_FUZZ_SEED=N)".</summary>
    public static string Describe(int seed) => $"seed {seed} (replay: {Variable}={seed})";
}
