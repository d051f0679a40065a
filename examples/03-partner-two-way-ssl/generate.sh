#!/usr/bin/env bash
# Regenerates pki-secrets.yaml and clientauthpolicy.yaml: our server certificate for the partner endpoint,
# and two partners, each with its own CA (as partners bring their own PKI). Acme hands over its client
# certificate; Globex (RSA-2048) hands over only the SPKI pin of its key, which survives its renewals.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib/pki.sh"
pki_init
ns=partner-gateway

pki_root_ca ours "/C=US/O=Example Corp/CN=Example Corp Partner Services CA"
pki_server_cert gateway "/O=Example Corp/CN=partners.example.com" ours "DNS:partners.example.com"

pki_root_ca acme-ca "/C=DE/O=Acme Logistics GmbH/CN=Acme Logistics Partner CA"
pki_client_cert acme "/C=DE/O=Acme Logistics GmbH/CN=acme-edi-gateway" acme-ca
pki_root_ca globex-ca "/C=GB/O=Globex Bank plc/CN=Globex Bank Issuing CA" rsa
pki_client_cert globex "/C=GB/O=Globex Bank plc/CN=globex-settlement" globex-ca rsa

{
  yaml_header generate.sh
  yaml_secret partner-gateway-tls "$ns" kubernetes.io/tls tls.crt=gateway.crt tls.key=gateway.key ca.crt=ours.crt
  yaml_configmap partner-cas "$ns" acme-ca.crt=acme-ca.crt globex-ca.crt=globex-ca.crt
  yaml_configmap partner-certificates "$ns" acme-edi-gateway.crt=acme.crt
} >"$here/pki-secrets.yaml"

{
  yaml_header generate.sh
  yaml_policy_head partners "$ns" partners
  cat <<YAML
    # The certificate Acme sent us; every pin form (SHA-256, SPKI, SHA-1) is derived from it.
    - certificate:
        configMap:
          name: partner-certificates
          key: acme-edi-gateway.crt
      description: Acme Logistics EDI gateway
    # The public key pin Globex sent us (curl --pinnedpubkey spelling).
    - spkiSha256: sha256/$(pki_spki_sha256 globex)
      description: Globex Bank settlement client, RSA key pinned across certificate renewals
  forwardIdentityHeader: X-Partner-Certificate-Subject
YAML
} >"$here/clientauthpolicy.yaml"
