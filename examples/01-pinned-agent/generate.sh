#!/usr/bin/env bash
# Regenerates pki-secrets.yaml and clientauthpolicy.yaml: one CA, the agent's server certificate (RSA-2048,
# as older agent hosts often have), and the two controllers' client certificates whose thumbprints are pinned.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib/pki.sh"
pki_init
ns=build-agents

pki_root_ca ca "/C=US/O=Example Corp/CN=Example Build Agents CA"
pki_server_cert agent "/O=Example Corp/CN=agent.build.example.com" ca \
  "DNS:agent.build.example.com,DNS:build-agent.build-agents.svc.cluster.local" rsa
pki_client_cert controller "/O=Example Corp/OU=Delivery/CN=deploy-controller" ca
pki_client_cert legacy "/O=Example Corp/OU=Delivery/CN=legacy-deploy-controller" ca
# Same CA, not pinned: to see it refused when trying the rendered proxy (CLIENTS_DIR=... ./generate.sh).
pki_client_cert stranger "/O=Example Corp/OU=Delivery/CN=someone-else" ca
pki_export ca.crt controller.crt controller.key legacy.crt legacy.key stranger.crt stranger.key

{
  yaml_header generate.sh
  yaml_secret build-agent-tls "$ns" kubernetes.io/tls tls.crt=agent.crt tls.key=agent.key ca.crt=ca.crt
  yaml_configmap build-agents-ca "$ns" ca.crt=ca.crt
} >"$here/pki-secrets.yaml"

# The pins are what an operator copies from elsewhere: a SHA-256 thumbprint as lowercase hex, and a SHA-1
# thumbprint exactly as `openssl x509 -fingerprint -sha1` and certificate consoles display it.
{
  yaml_header generate.sh
  yaml_policy_head deploy-controllers-only "$ns" agent-clients
  cat <<YAML
    - sha256: $(pki_hex "$(pki_sha256 controller)")
      description: deploy-controller (current), CN=deploy-controller,OU=Delivery,O=Example Corp
    - sha1: "$(pki_sha1 legacy)"
      description: legacy-deploy-controller, kept until the migration ends; thumbprint as the console shows it
YAML
} >"$here/clientauthpolicy.yaml"
