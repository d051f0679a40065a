#!/usr/bin/env bash
# Regenerates pki-secrets.yaml and the two CRLs in crl/ that the "CRL server" publishes: a root, an issuing CA whose
# certificate names the root's CRL in its CRL Distribution Points, and client certificates naming the issuing CA's CRL
# there, as a real PKI publishes them. One client (a lost laptop) is revoked in the issuing CA's CRL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib/pki.sh"
pki_init
ns=field-ops
base=http://127.0.0.1:8380

pki_root_ca root "/C=US/O=Example Corp/CN=Example Corp Field Root CA"
pki_key issuing
_pki_issue issuing "/C=US/O=Example Corp/CN=Example Corp Field Devices CA" root "$PKI_INTERMEDIATE_DAYS" \
  "basicConstraints = critical, CA:TRUE, pathlen:0" "keyUsage = critical, keyCertSign, cRLSign" \
  "crlDistributionPoints = URI:$base/root-ca.crl"
pki_server_cert api "/O=Example Corp/CN=telemetry.example.com" issuing "DNS:telemetry.example.com"
pki_cat api.crt issuing.crt >"$PKI/api-chain.crt"

# Devices carry the URL of their CA's CRL, which is how the bundle learns it (see the README).
for device in tablet-17 laptop-lost; do
  pki_key "$device"
  _pki_issue "$device" "/O=Example Corp/OU=Field Devices/CN=$device" issuing "$PKI_LEAF_DAYS" \
    "basicConstraints = critical, CA:FALSE" "keyUsage = critical, digitalSignature" "extendedKeyUsage = clientAuth" \
    "crlDistributionPoints = URI:$base/issuing-ca.crl"
done
pki_export root.crt tablet-17.crt tablet-17.key laptop-lost.crt laptop-lost.key
pki_revoke issuing laptop-lost
pki_crl issuing
pki_crl root

# What the CRL server publishes, DER as distribution points serve it.
openssl crl -in "$PKI/issuing.crl" -outform DER -out "$here/crl/issuing-ca.crl"
openssl crl -in "$PKI/root.crl" -outform DER -out "$here/crl/root-ca.crl"

{
  yaml_header generate.sh
  yaml_secret telemetry-tls "$ns" kubernetes.io/tls tls.crt=api-chain.crt tls.key=api.key
  # Only the CA certificates: the CRLs come from their URLs.
  yaml_configmap field-pki "$ns" ca.crt=root.crt issuing-ca.crt=issuing.crt
} >"$here/pki-secrets.yaml"
