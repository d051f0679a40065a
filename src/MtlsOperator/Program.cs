namespace MtlsOperator;

/// <summary>Entry point: dispatches to the CLI commands.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: mtls-operator render|thumbprint|run ...");
        return 2;
    }
}
