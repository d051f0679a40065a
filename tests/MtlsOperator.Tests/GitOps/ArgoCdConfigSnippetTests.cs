using System.Text;

namespace MtlsOperator.Tests.GitOps;

/// <summary>The chart ships the health checks as an argocd-cm snippet; it must hold exactly the scripts the tests run.</summary>
public sealed class ArgoCdConfigSnippetTests
{
    private static string SnippetPath => RepositoryRoot.Combine("charts", "mtls-operator", "argocd-health.yaml");

    [Fact]
    public void Chart_snippet_holds_each_kinds_health_script()
    {
        var expected = Snippet();
        if (Environment.GetEnvironmentVariable("MTLS_REGENERATE_ARGOCD") == "1")
        {
            File.WriteAllText(SnippetPath, expected, new UTF8Encoding(false));
        }

        Assert.True(File.Exists(SnippetPath) && File.ReadAllText(SnippetPath) == expected,
            "charts/mtls-operator/argocd-health.yaml differs from the health.lua files; run MTLS_REGENERATE_ARGOCD=1 dotnet test --filter ArgoCdConfigSnippetTests");
    }

    private static string Snippet()
    {
        var sb = new StringBuilder("""
            # Argo CD health checks for the mtls-operator.io kinds (docs/gitops.md). With the argo-cd Helm chart, merge this into its
            # values; without it, put the keys under data: of the argocd-cm ConfigMap. Generated from
            # argocd/resource_customizations/mtls-operator.io/*/health.lua (MTLS_REGENERATE_ARGOCD=1 dotnet test); do not edit.
            configs:
              cm:

            """);
        foreach (var kind in HealthScenario.Kinds)
        {
            sb.Append("    resource.customizations.health.mtls-operator.io_").Append(kind).Append(": |\n");
            foreach (var line in File.ReadAllText(ArgoCdHealthScript.PathOf(kind)).TrimEnd('\n').Split('\n'))
            {
                sb.Append(line.Length == 0 ? "" : "      " + line).Append('\n');
            }
        }

        return sb.ToString();
    }
}
