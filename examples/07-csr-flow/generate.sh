#!/usr/bin/env bash
# Regenerates the two generated files by running the CSR flow end to end, as it happens in a cluster:
#   pki-secrets.yaml       the partner clients' CA (the client side; nothing of the server).
#   operator-secrets.yaml  what exists in the cluster once the flow is done: the operator's key Secret (written by the
#                          operator on its first reconcile; here by `mtls-operator render`, the same engine) and the
#                          Secret payments-api-signed with the certificate the corporate CA signed from the operator's CSR.
# Needs openssl and the .NET SDK (it runs the operator from this repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib/pki.sh"
pki_init
operator() { dotnet run --project "$here/../../src/MtlsOperator" -- "$@"; }

pki_root_ca corp "/C=US/O=Example Corp/CN=Example Corp Root CA"
pki_intermediate_ca issuing "/C=US/O=Example Corp/CN=Example Corp Issuing CA" corp
pki_root_ca partners "/C=US/O=Example Corp/CN=Example Corp Partner Clients CA"
pki_client_cert acme "/O=Example Corp/OU=Partners/CN=acme-payments-client" partners
pki_export acme.crt acme.key corp.crt

{
  yaml_header generate.sh
  yaml_configmap partners-ca payments ca.crt=partners.crt
} >"$here/pki-secrets.yaml"

# 1. The operator's first reconcile: it generates the key and writes payments-api-csr-key (render exits 1: the
#    ServerCertificate is AwaitingSignedCertificate, as it is in a cluster at this point).
operator render -f "$here/mtls.yaml" -f "$here/pki-secrets.yaml" --out "$PKI/out" >/dev/null 2>&1 || true
keys=out/payments/payments-api-csr-key
owned_secret() {
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: payments-api-csr-key\n  namespace: payments\n'
  printf '  labels:\n    app.kubernetes.io/managed-by: mtls-operator\n    mtls-operator.io/owner-kind: ServerCertificate\n    mtls-operator.io/owner-name: payments-api\n'
  printf 'type: Opaque\nstringData:\n'
  _yaml_entries tls.key=$keys/tls.key tls.csr=$keys/tls.csr next.key=$keys/next.key next.csr=$keys/next.csr
}
owned_secret >"$PKI/keys.yaml"

# 2. The CSR, as `mtls-operator csr payments-api -n payments` prints it from the cluster.
operator csr -f "$here/mtls.yaml" -f "$PKI/keys.yaml" payments-api >"$PKI/payments-api.csr"

# 3. The corporate CA signs it (leaf + issuing CA).
"$here/sign-csr.sh" "$PKI/payments-api.csr" "$PKI/issuing.crt" "$PKI/issuing.key" 3650 >"$PKI/signed.pem"

# 4. The signed certificate comes back: kubectl create secret generic payments-api-signed --from-file=tls.crt=signed.pem
{
  yaml_header generate.sh
  owned_secret
  yaml_secret payments-api-signed payments Opaque tls.crt=signed.pem
} >"$here/operator-secrets.yaml"
