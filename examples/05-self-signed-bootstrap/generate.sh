#!/usr/bin/env bash
# Regenerates pki-secrets.yaml: only the CA of the inventory team's clients. The server certificate is not
# made here: the operator generates the self-signed bootstrap certificate itself.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib/pki.sh"
pki_init

pki_root_ca services "/C=US/O=Example Corp/CN=Example Corp Services CA"

{
  yaml_header generate.sh
  yaml_configmap services-ca inventory ca.crt=services.crt
} >"$here/pki-secrets.yaml"
