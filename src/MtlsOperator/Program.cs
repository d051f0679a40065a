using MtlsOperator.Cli;

namespace MtlsOperator;

/// <summary>Entry point: <c>render</c> and <c>thumbprint</c> work offline; <c>run</c> starts the controller.</summary>
public static class Program
{
    private const string Usage = """
        mtls-operator: declarative mutual-TLS trust for Kubernetes
          render -f PATH ...   print what the operator would write for these manifests (exit 0 Ready, 1 not Ready, 2 bad input)
          thumbprint FILE ...  print thumbprints and pins of certificates (--connect HOST:PORT: of those an endpoint serves)
          check URL            verify a live endpoint: chain, name, trust, client admission, and whether it serves what -f renders
          csr NAME [-n NS]     print the certificate signing request of a spec.csr ServerCertificate (cluster, or -f manifests)
          inject [-f PATH ...] add the mTLS sidecar to annotated workloads in YAML (stdin or files), as the webhook does
          crds [--out DIR]     print (or write) the CustomResourceDefinitions
          run                  run the controller against a cluster
          sidecar --proxy P --mount DIR   run a proxy over the mounted output Secret: check, reload, report
          version              print the version
        Every command takes --help.
        """;

    /// <summary>Each command's own usage, printed for <c>COMMAND --help</c>.</summary>
    private static readonly IReadOnlyDictionary<string, string> s_usages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["render"] = RenderCommand.Usage,
        ["thumbprint"] = ThumbprintCommand.Usage,
        ["check"] = Cli.Check.CheckCommand.Usage,
        ["csr"] = CsrCommand.Usage,
        ["inject"] = InjectCommand.Usage,
        ["crds"] = CrdsCommand.Usage,
        ["run"] = RunCommand.Usage,
        ["sidecar"] = SidecarCommand.Usage,
        ["version"] = "usage: mtls-operator version   (the version of this binary)",
    };

    /// <summary>The informational version the binary was built with (the chart's appVersion in a release build).</summary>
    public static string Version { get; } =
        typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error, TimeProvider.System);

    /// <summary>In-process entry for tests: same behaviour as the process, with writers and clock supplied.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider clock)
    {
        var rest = args.Skip(1).ToList();
        if (args.Length > 0 && s_usages.TryGetValue(args[0], out var usage) && rest.Any(a => a is "--help" or "-h"))
        {
            stdout.WriteLine(usage);
            return ExitCodes.Ok;
        }

        return args.FirstOrDefault() switch
        {
            "render" => new RenderCommand(stdout, stderr, clock).Run(rest),
            "thumbprint" => new ThumbprintCommand(stdout, stderr).Run(rest),
            "check" => new Cli.Check.CheckCommand(stdout, stderr, clock).Run(rest),
            "csr" => new CsrCommand(stdout, stderr, clock).Run(rest),
            "crds" => new CrdsCommand(stdout, stderr).Run(rest),
            "inject" => new InjectCommand(Console.In, stdout, stderr).Run(rest),
            "run" => new RunCommand(stderr).Run(rest),
            "sidecar" => new SidecarCommand(stdout, stderr, clock).Run(rest),
            "version" or "--version" => PrintVersion(stdout),
            "-h" or "--help" or "help" => Help(stdout, ExitCodes.Ok),
            null => Help(stderr, ExitCodes.BadInput),
            var unknown => Unknown(unknown, stderr),
        };
    }

    private static int PrintVersion(TextWriter stdout)
    {
        stdout.WriteLine("mtls-operator " + Version);
        return ExitCodes.Ok;
    }

    private static int Unknown(string command, TextWriter stderr)
    {
        stderr.WriteLine($"error: unknown command '{command}'");
        return Help(stderr, ExitCodes.BadInput);
    }

    private static int Help(TextWriter writer, int exit)
    {
        writer.WriteLine(Usage);
        return exit;
    }
}
