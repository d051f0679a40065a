using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.SigningRequests;

/// <summary>What a certificate signing request asks for, independent of the key: subject and subjectAltNames.</summary>
/// <param name="Subject">The subject DN.</param>
/// <param name="DnsNames">DNS subjectAltNames, in spec order.</param>
/// <param name="IpAddresses">IP address subjectAltNames.</param>
/// <param name="EmailAddresses">rfc822Name subjectAltNames.</param>
public sealed record SigningRequestContent(
    X500DistinguishedName Subject,
    ImmutableArray<string> DnsNames,
    ImmutableArray<IPAddress> IpAddresses,
    ImmutableArray<string> EmailAddresses)
{
    /// <summary>X.520 upper bound of a CN; a longer first hostname leaves the default subject without one.</summary>
    private const int MaxCommonNameLength = 64;

    /// <summary>The content <paramref name="spec"/> asks for; the spec must have passed its checks (valid IPs, one hostname for singleDnsName).</summary>
    public static SigningRequestContent From(ServerCertificateSpec spec)
    {
        var csr = spec.Csr!;
        var single = csr.SingleDnsName == true;
        ImmutableArray<string> dnsNames = single ? [spec.Hostnames[0]] : [.. spec.Hostnames];
        var subject = csr.Subject;
        var commonName = subject?.CommonName ?? (dnsNames[0].Length <= MaxCommonNameLength ? dnsNames[0] : null);

        // Encoded C first and emailAddress last, the order openssl req and CAs use; the builder encodes in the reverse of the
        // order names are added (the RFC 4514 reading order), so they are added most specific first.
        var builder = new X500DistinguishedNameBuilder();
        void Add(string? value, Action<string> add)
        {
            if (!string.IsNullOrEmpty(value))
            {
                add(value);
            }
        }

        Add(subject?.EmailAddress, v => builder.AddEmailAddress(v));
        Add(commonName, v => builder.AddCommonName(v));
        Add(subject?.OrganizationalUnit, v => builder.AddOrganizationalUnitName(v));
        Add(subject?.Organization, v => builder.AddOrganizationName(v));
        Add(subject?.Locality, v => builder.AddLocalityName(v));
        Add(subject?.State, v => builder.AddStateOrProvinceName(v));
        Add(subject?.Country, v => builder.AddCountryOrRegion(v));
        return new SigningRequestContent(
            builder.Build(),
            dnsNames,
            [.. (csr.IpAddresses ?? []).Select(IPAddress.Parse)],
            [.. csr.EmailAddresses ?? []]);
    }
}
