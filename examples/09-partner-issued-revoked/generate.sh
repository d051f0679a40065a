#!/usr/bin/env bash
# Regenerates pki-secrets.yaml: the partner client CA with its key (the operator issues and revokes with it), the gateway's
# server certificate from the platform's own CA, and the password of partner A's PKCS#12 file. No client certificate is made
# here: the operator issues them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib/pki.sh"
pki_init
ns=partners

pki_root_ca partner-ca "/C=DE/O=Example Platform/CN=Example Partner Client CA"
pki_root_ca services "/C=DE/O=Example Platform/CN=Example Platform Services CA"
pki_server_cert gateway "/O=Example Platform/CN=partners.example.com" services "DNS:partners.example.com"
openssl rand -base64 18 | tr -d '\n' >"$PKI/p12.password"
pki_export services.crt

{
  yaml_header generate.sh
  yaml_secret partner-ca-key "$ns" kubernetes.io/tls tls.crt=partner-ca.crt tls.key=partner-ca.key
  yaml_secret partner-gateway-tls "$ns" kubernetes.io/tls tls.crt=gateway.crt tls.key=gateway.key ca.crt=services.crt
  yaml_secret partner-a-p12-password "$ns" Opaque password=p12.password
} >"$here/pki-secrets.yaml"
