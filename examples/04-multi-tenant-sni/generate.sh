#!/usr/bin/env bash
# Regenerates pki-secrets.yaml: three server certificates from the hosting provider's issuing CA, each in a
# kubernetes.io/tls Secret shaped like cert-manager writes it (tls.crt = leaf + issuing CA, ca.crt = root),
# and the CA that issues the tenants' client certificates.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../lib/pki.sh"
pki_init
ns=tenants

pki_root_ca root "/C=NL/O=Example Hosting/CN=Example Hosting Root CA"
pki_intermediate_ca issuing "/C=NL/O=Example Hosting/CN=Example Hosting TLS Issuing CA" root
pki_server_cert tenant-a "/CN=tenant-a.example.com" issuing "DNS:tenant-a.example.com"
pki_server_cert tenant-b "/CN=tenant-b.example.com" issuing "DNS:tenant-b.example.com" rsa
pki_server_cert apps "/CN=*.apps.example.com" issuing "DNS:*.apps.example.com"
pki_root_ca clients "/C=NL/O=Example Hosting/CN=Example Hosting Client CA"
# To try the rendered proxy with (CLIENTS_DIR=... ./generate.sh): a client of tenant A, and one of a tenant no rule admits.
pki_client_cert tenant-a-client "/O=Tenant A/CN=billing" clients
pki_client_cert tenant-c-client "/O=Tenant C/CN=billing" clients
pki_export root.crt tenant-a-client.crt tenant-a-client.key tenant-c-client.crt tenant-c-client.key

{
  yaml_header generate.sh
  for site in tenant-a tenant-b apps; do
    pki_cat "$site.crt" issuing.crt >"$PKI/$site-chain.crt"
    yaml_secret "$site-tls" "$ns" kubernetes.io/tls tls.crt="$site-chain.crt" tls.key="$site.key" ca.crt=root.crt
  done
  yaml_secret tenant-client-ca "$ns" Opaque ca.crt=clients.crt
} >"$here/pki-secrets.yaml"
