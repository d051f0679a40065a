using System.Text;
using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime.Tests.ApiServer;

public sealed class BuiltInResourceTests : ApiServerTest
{
    [Fact]
    public async Task Secret_string_data_is_folded_into_base64_data()
    {
        var created = await Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "tls" }, StringData = new Dictionary<string, string> { ["ca.crt"] = "PEM" } }, Ns);

        Assert.Equal("PEM", Encoding.UTF8.GetString(created.Data["ca.crt"]));
        Assert.Null(created.StringData);
        Assert.Equal("Opaque", created.Type);
        Assert.False(Server.Store.Get(TestApiServer.ApiResource.Secrets, Ns, "tls")!.ContainsKey("stringData"));
    }

    [Fact]
    public async Task Secret_update_without_resource_version_is_accepted()
    {
        var created = await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, Ns);
        created.Metadata.ResourceVersion = null;
        created.Data = new Dictionary<string, byte[]> { ["k"] = [1, 2, 3] };

        var updated = await Client.CoreV1.ReplaceNamespacedSecretAsync(created, "s", Ns);

        Assert.Equal([1, 2, 3], updated.Data["k"]);
        Assert.Null(updated.Metadata.Generation);
    }

    [Fact]
    public async Task Secret_delete_answers_a_success_status()
    {
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, Ns);

        var status = await Client.CoreV1.DeleteNamespacedSecretAsync("s", Ns);

        Assert.Equal("Success", status.Status);
    }

    [Fact]
    public async Task Config_map_list_by_label_is_typed()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a", Labels = new Dictionary<string, string> { ["owned"] = "yes" } }, Data = new Dictionary<string, string> { ["ca.crt"] = "x" } }, Ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "b" } }, Ns);

        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: "owned=yes");

        Assert.Equal("x", Assert.Single(list.Items).Data["ca.crt"]);
    }

    [Fact]
    public async Task Events_of_both_groups_can_be_created()
    {
        var involved = new V1ObjectReference { Kind = "TrustBundle", Name = "a", NamespaceProperty = Ns };
        await Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event { Metadata = new V1ObjectMeta { GenerateName = "a." }, InvolvedObject = involved, Reason = "Rendered", Type = "Normal" }, Ns);
        await Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event { Metadata = new V1ObjectMeta { Name = "a.1" }, Reason = "Rendered", Type = "Normal", EventTime = DateTime.UtcNow, Action = "Render", ReportingController = "mtls-operator", ReportingInstance = "pod-1" }, Ns);

        Assert.Single((await Client.CoreV1.ListNamespacedEventAsync(Ns)).Items);
        Assert.Single((await Client.EventsV1.ListNamespacedEventAsync(Ns)).Items);
    }

    [Fact]
    public async Task Lease_renewal_from_a_stale_copy_is_409()
    {
        var spec = new V1LeaseSpec { HolderIdentity = "pod-1", LeaseDurationSeconds = 15, RenewTime = DateTime.UtcNow };
        var created = await Client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = "mtls-operator" }, Spec = spec }, Ns);
        var stale = await Client.CoordinationV1.ReadNamespacedLeaseAsync("mtls-operator", Ns);
        created.Spec.RenewTime = DateTime.UtcNow.AddSeconds(5);
        await Client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "mtls-operator", Ns);

        stale.Spec.HolderIdentity = "pod-2";

        Assert.Equal(409, await StatusCodeOf(() => Client.CoordinationV1.ReplaceNamespacedLeaseAsync(stale, "mtls-operator", Ns)));
        Assert.Equal("pod-1", (await Client.CoordinationV1.ReadNamespacedLeaseAsync("mtls-operator", Ns)).Spec.HolderIdentity);
    }
}
