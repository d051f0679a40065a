namespace MtlsOperator.Tests.Chart;

/// <summary>
/// Every kind of API call the operator makes, in RBAC terms, each pointing at the code that makes it. The chart's
/// RBAC must grant each (ChartRbacTests), and a real run of the operator must make no call missing here.
/// </summary>
internal static class OperatorApiCalls
{
    /// <summary>Where the call is made: in the namespaces the operator watches, or in the Lease's (release) namespace.</summary>
    public enum Scope
    {
        Watched,
        LeaseNamespace,

        /// <summary>The webhook's serving Secret, by name, in the release namespace.</summary>
        WebhookSecret,

        /// <summary>The webhook's MutatingWebhookConfiguration (cluster-scoped), by name.</summary>
        WebhookConfiguration,

        /// <summary>A cluster-scoped object of any name (CertificateSigningRequests).</summary>
        Cluster,

        /// <summary>One of the converged-reconciles ConfigMaps, by name, in the release namespace.</summary>
        ConvergedShard,
    }

    public static IReadOnlyList<(string Group, string Resource, string Verb, Scope Scope, string MadeBy)> All { get; } = Build();

    private static List<(string, string, string, Scope, string)> Build()
    {
        var calls = new List<(string, string, string, Scope, string)>();
        foreach (var plural in new[] { "trustbundles", "servercertificates", "clientauthpolicies", "mtlslisteners", "clientcertificateauthorities", "issuedclientcertificates", "clientcertificaterevocations" })
        {
            foreach (var verb in new[] { "list", "watch", "get" })
            {
                calls.Add(("mtls-operator.io", plural, verb, Scope.Watched, "Controller/ClusterCache.cs informers over Runtime/CustomResourceClient{T}.cs (List/Watch/Get)"));
            }

            calls.Add(("mtls-operator.io", plural + "/status", "update", Scope.Watched, "Controller/StatusWriter.cs ReplaceNamespacedCustomObjectStatusAsync"));
        }

        foreach (var plural in new[] { "secrets", "configmaps" })
        {
            foreach (var verb in new[] { "list", "watch", "get" })
            {
                calls.Add(("", plural, verb, Scope.Watched, "Controller/ClusterCache.cs informers over Runtime/ResourceClients.cs; get is GetOrFetchAsync for a new reference"));
            }

            calls.Add(("", plural, "create", Scope.Watched, "Controller/OutputWriter.cs CreateNamespaced{Secret,ConfigMap}Async"));
            calls.Add(("", plural, "update", Scope.Watched, "Controller/OutputWriter.cs ReplaceNamespaced{Secret,ConfigMap}Async"));
        }

        // Not a request the operator sends: where the OwnerReferencesPermissionEnforcement admission plugin is on (it
        // is on OpenShift), creating an object whose ownerReference sets blockOwnerDeletion requires this permission
        // on the owner. Outputs of these kinds carry such references.
        foreach (var owner in new[] { "trustbundles", "servercertificates", "mtlslisteners", "clientcertificateauthorities", "issuedclientcertificates" })
        {
            calls.Add(("mtls-operator.io", owner + "/finalizers", "update", Scope.Watched, "Engine/Api/OutputOwnership.cs ownerReferences with blockOwnerDeletion, checked by OwnerReferencesPermissionEnforcement"));
        }

        calls.Add(("", "pods", "list", Scope.Watched, "Controller/ClusterCache.cs pod informer (label mtls-operator.io/inject=enabled) over Runtime/ResourceClients.cs"));
        calls.Add(("", "pods", "watch", Scope.Watched, "Controller/ClusterCache.cs pod informer (label mtls-operator.io/inject=enabled) over Runtime/ResourceClients.cs"));
        calls.Add(("", "events", "create", Scope.Watched, "Controller/EventRecorder.cs CreateNamespacedEventAsync"));
        foreach (var verb in new[] { "get", "create", "update" })
        {
            calls.Add(("coordination.k8s.io", "leases", verb, Scope.LeaseNamespace, "Runtime/LeaseElection.cs: KubernetesClient's LeaseLock (Read/Create/ReplaceNamespacedLease)"));
        }

        calls.Add(("", "configmaps", "list", Scope.LeaseNamespace, "Controller/Converged/ConvergedStore.cs ListNamespacedConfigMapAsync (the saved shards, by label)"));
        calls.Add(("", "configmaps", "create", Scope.LeaseNamespace, "Controller/Converged/ConvergedStore.cs CreateNamespacedConfigMapAsync"));
        calls.Add(("", "configmaps", "update", Scope.ConvergedShard, "Controller/Converged/ConvergedStore.cs ReplaceNamespacedConfigMapAsync (one shard)"));

        // webhook.enabled
        calls.Add(("", "secrets", "get", Scope.WebhookSecret, "Webhook/WebhookCertificateRotator.cs and WebhookHost.cs ReadNamespacedSecretAsync (the serving Secret)"));
        calls.Add(("", "secrets", "create", Scope.WebhookSecret, "Webhook/WebhookCertificateRotator.cs CreateNamespacedSecretAsync"));
        calls.Add(("", "secrets", "update", Scope.WebhookSecret, "Webhook/WebhookCertificateRotator.cs ReplaceNamespacedSecretAsync (rotation)"));
        calls.Add(("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "get", Scope.WebhookConfiguration, "Webhook/WebhookCertificateRotator.cs ReadMutatingWebhookConfigurationAsync"));
        calls.Add(("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "patch", Scope.WebhookConfiguration, "Webhook/WebhookCertificateRotator.cs PatchMutatingWebhookConfigurationAsync (caBundle)"));

        // signingRequests.signerNames (spec.csr.signingRequest)
        calls.Add(("certificates.k8s.io", "certificatesigningrequests", "create", Scope.Cluster, "Controller/SigningRequestSync.cs CreateCertificateSigningRequestAsync"));
        calls.Add(("certificates.k8s.io", "certificatesigningrequests", "get", Scope.Cluster, "Controller/SigningRequestSync.cs ReadCertificateSigningRequestAsync"));
        return calls;
    }
}
