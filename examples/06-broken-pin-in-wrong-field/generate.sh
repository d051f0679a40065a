#!/usr/bin/env bash
# Regenerates pki-secrets.yaml and clientauthpolicy.yaml. The policy is deliberately wrong: the second pin
# is a SHA-1 thumbprint (as a certificate dialog shows it) pasted into the sha256 field.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib/pki.sh"
pki_init
ns=reporting

pki_root_ca ca "/C=US/O=Example Corp/CN=Example Reporting CA"
pki_server_cert reports "/O=Example Corp/CN=reports.example.com" ca "DNS:reports.example.com"
pki_client_cert scheduler "/O=Example Corp/CN=report-scheduler" ca
pki_client_cert auditor "/O=Example Corp/CN=audit-exporter" ca

{
  yaml_header generate.sh
  yaml_secret reports-tls "$ns" kubernetes.io/tls tls.crt=reports.crt tls.key=reports.key ca.crt=ca.crt
  yaml_configmap reporting-ca "$ns" ca.crt=ca.crt
} >"$here/pki-secrets.yaml"

# Space-separated lowercase pairs: how certificate dialogs (e.g. older Windows) show the SHA-1 "Thumbprint".
auditor_sha1_as_shown="$(pki_sha1 auditor | tr ':' ' ' | tr 'A-F' 'a-f')"
{
  yaml_header generate.sh
  yaml_policy_head report-clients "$ns" report-clients
  cat <<YAML
    - sha256: $(pki_hex "$(pki_sha256 scheduler)")
      description: report-scheduler
    # WRONG on purpose: a 40-digit SHA-1 thumbprint cannot be a SHA-256 pin (64 digits).
    # The fix is "sha1:" instead of "sha256:" (or better, the SHA-256 thumbprint of the same certificate).
    - sha256: "$auditor_sha1_as_shown"
      description: audit-exporter, thumbprint copied from the certificate dialog
YAML
} >"$here/clientauthpolicy.yaml"
