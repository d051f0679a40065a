#!/usr/bin/env bash
# Regenerates pki-secrets.yaml: a corporate root, its issuing (intermediate) CA, the payments API's server
# certificate, and CRLs from BOTH CAs, the issuing CA's revoking one client (a lost laptop).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib/pki.sh"
pki_init
ns=payments

pki_root_ca root "/C=US/O=Example Corp/CN=Example Corp Root CA"
pki_intermediate_ca issuing "/C=US/O=Example Corp/CN=Example Corp Issuing CA 1" root
pki_server_cert api "/O=Example Corp/CN=payments-api.example.com" issuing \
  "DNS:payments-api.example.com,DNS:payments-api.payments.svc.cluster.local"
pki_cat api.crt issuing.crt >"$PKI/api-chain.crt"

# Clients come and go without any change here: the rule admits every Payments client of the issuing CA.
# The lost laptop's certificate is revoked: the CRL is what shuts it out. The other two exist only to try
# the rendered proxy with (CLIENTS_DIR=... ./generate.sh): one admitted, one of another department.
pki_client_cert laptop "/O=Example Corp/OU=Payments/CN=jdoe-laptop" issuing
pki_client_cert batch "/O=Example Corp/OU=Payments/CN=payments-batch" issuing
pki_client_cert marketing "/O=Example Corp/OU=Marketing/CN=campaign-batch" issuing
pki_export root.crt laptop.crt laptop.key batch.crt batch.key marketing.crt marketing.key
pki_revoke issuing laptop
pki_crl issuing
pki_crl root

{
  yaml_header generate.sh
  yaml_secret payments-api-tls "$ns" kubernetes.io/tls tls.crt=api-chain.crt tls.key=api.key ca.crt=root.crt
  # What the PKI team publishes: both CA certificates and both CRLs (the root's lists nothing, and is still needed).
  yaml_configmap corporate-pki "$ns" root-ca.crt=root.crt issuing-ca.crt=issuing.crt root-ca.crl=root.crl issuing-ca.crl=issuing.crl
} >"$here/pki-secrets.yaml"
