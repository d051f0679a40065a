namespace TestApiServer;

/// <summary>The custom resources of mtls-operator.io/v1alpha1, each with the status subresource, as the CRDs declare them.</summary>
public static class MtlsOperatorResources
{
    /// <summary>API group of the operator's kinds.</summary>
    public const string Group = "mtls-operator.io";

    /// <summary>Served version of the operator's kinds.</summary>
    public const string Version = "v1alpha1";

    /// <summary>TrustBundle.</summary>
    public static ApiResource TrustBundles { get; } = ApiResource.Custom(Group, Version, "trustbundles", "TrustBundle");

    /// <summary>ServerCertificate.</summary>
    public static ApiResource ServerCertificates { get; } = ApiResource.Custom(Group, Version, "servercertificates", "ServerCertificate");

    /// <summary>ClientAuthPolicy.</summary>
    public static ApiResource ClientAuthPolicies { get; } = ApiResource.Custom(Group, Version, "clientauthpolicies", "ClientAuthPolicy");

    /// <summary>MtlsListener.</summary>
    public static ApiResource MtlsListeners { get; } = ApiResource.Custom(Group, Version, "mtlslisteners", "MtlsListener");

    /// <summary>ClientCertificateAuthority.</summary>
    public static ApiResource ClientCertificateAuthorities { get; } = ApiResource.Custom(Group, Version, "clientcertificateauthorities", "ClientCertificateAuthority");

    /// <summary>IssuedClientCertificate.</summary>
    public static ApiResource IssuedClientCertificates { get; } = ApiResource.Custom(Group, Version, "issuedclientcertificates", "IssuedClientCertificate");

    /// <summary>ClientCertificateRevocation.</summary>
    public static ApiResource ClientCertificateRevocations { get; } = ApiResource.Custom(Group, Version, "clientcertificaterevocations", "ClientCertificateRevocation");

    /// <summary>All of them.</summary>
    public static IReadOnlyList<ApiResource> All { get; } = [TrustBundles, ServerCertificates, ClientAuthPolicies, MtlsListeners, ClientCertificateAuthorities, IssuedClientCertificates, ClientCertificateRevocations];
}
