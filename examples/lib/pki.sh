# shellcheck shell=bash
# Shared openssl recipes for the examples. Source it from a generate.sh:
#
#   . "$(dirname "$0")/../lib/pki.sh"
#   pki_init                      # temp dir in $PKI, removed on exit
#   pki_root_ca root "/C=US/O=Example Corp/CN=Example Corp Root CA"
#   pki_intermediate_ca issuing "/C=US/O=Example Corp/CN=Example Corp Issuing CA 1" root
#   pki_server_cert web "/O=Example Corp/CN=web.example.com" issuing "DNS:web.example.com"
#   pki_client_cert alice "/O=Example Corp/OU=Payments/CN=alice" issuing
#   pki_revoke issuing alice && pki_crl issuing
#
# Every NAME becomes $PKI/NAME.crt and $PKI/NAME.key (and $PKI/NAME.crl). Keys are ECDSA P-256
# unless the last argument is "rsa" (RSA-2048). Subjects are given in openssl's /-form, most
# general RDN first; they read back most specific first in RFC 4514 (CN=...,O=...,C=...).
#
# Validity is deliberately long so that the committed examples do not rot: CAs 20 years,
# leaves and CRLs 10 years. Real deployments use far shorter lifetimes (and CRLs that are
# re-issued every few days).

set -euo pipefail

PKI_CA_DAYS=7305
PKI_INTERMEDIATE_DAYS=7300
PKI_LEAF_DAYS=3650
PKI_CRL_DAYS=3650

# Creates the scratch directory $PKI for keys, CSRs and CA databases; nothing in it outlives the script.
pki_init() {
  command -v openssl >/dev/null || { echo "generate.sh needs the openssl CLI" >&2; exit 1; }
  PKI="$(mktemp -d)"
  trap 'rm -rf "$PKI"' EXIT
}

# pki_key NAME [rsa]: a private key in PKCS#8 PEM.
pki_key() {
  if [ "${2:-ec}" = rsa ]; then
    openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/$1.key"
  else
    openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/$1.key"
  fi
}

# A random positive 127-bit serial, as CAs are required to use (CA/B Forum: at least 64 random bits).
_pki_serial() {
  printf '0x7%s' "$(openssl rand -hex 15)"
}

# _pki_issue NAME SUBJECT ISSUER DAYS EXTENSIONS...: signs NAME's key with ISSUER's; one extension per argument.
_pki_issue() {
  local name=$1 subject=$2 issuer=$3 days=$4
  shift 4
  printf '%s\n' "[ext]" "$@" "subjectKeyIdentifier = hash" "authorityKeyIdentifier = keyid:always" >"$PKI/$name.ext"
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr"
  openssl x509 -req -sha256 -in "$PKI/$name.csr" -CA "$PKI/$issuer.crt" -CAkey "$PKI/$issuer.key" \
    -set_serial "$(_pki_serial)" -days "$days" -extfile "$PKI/$name.ext" -extensions ext -out "$PKI/$name.crt" 2>/dev/null
}

# pki_root_ca NAME SUBJECT [rsa]: a self-signed root CA.
pki_root_ca() {
  local name=$1 subject=$2
  pki_key "$name" "${3:-ec}"
  printf '%s\n' "[req]" "distinguished_name = dn" "[dn]" "[ext]" \
    "basicConstraints = critical, CA:TRUE" "keyUsage = critical, keyCertSign, cRLSign" \
    "subjectKeyIdentifier = hash" >"$PKI/$name.cnf"
  openssl req -new -x509 -sha256 -key "$PKI/$name.key" -subj "$subject" -config "$PKI/$name.cnf" -extensions ext \
    -set_serial "$(_pki_serial)" -days "$PKI_CA_DAYS" -out "$PKI/$name.crt"
}

# pki_intermediate_ca NAME SUBJECT ISSUER [rsa]: a CA that may issue leaves only (pathlen 0).
pki_intermediate_ca() {
  pki_key "$1" "${4:-ec}"
  _pki_issue "$1" "$2" "$3" "$PKI_INTERMEDIATE_DAYS" \
    "basicConstraints = critical, CA:TRUE, pathlen:0" "keyUsage = critical, keyCertSign, cRLSign"
}

# Key usage a TLS leaf needs: ECDSA signs the handshake; RSA also allows key transport for old TLS 1.2 suites.
_pki_leaf_usage() {
  if [ "${1:-ec}" = rsa ]; then echo "keyUsage = critical, digitalSignature, keyEncipherment"; else echo "keyUsage = critical, digitalSignature"; fi
}

# pki_server_cert NAME SUBJECT ISSUER SANS [rsa]: a TLS server certificate; SANS like "DNS:a.example.com,DNS:*.b.example.com".
pki_server_cert() {
  pki_key "$1" "${5:-ec}"
  _pki_issue "$1" "$2" "$3" "$PKI_LEAF_DAYS" \
    "basicConstraints = critical, CA:FALSE" "$(_pki_leaf_usage "${5:-ec}")" "extendedKeyUsage = serverAuth" "subjectAltName = $4"
}

# pki_client_cert NAME SUBJECT ISSUER [rsa]: a TLS client certificate identified by its subject.
pki_client_cert() {
  pki_key "$1" "${4:-ec}"
  _pki_issue "$1" "$2" "$3" "$PKI_LEAF_DAYS" \
    "basicConstraints = critical, CA:FALSE" "$(_pki_leaf_usage "${4:-ec}")" "extendedKeyUsage = clientAuth"
}

# The minimal `openssl ca` database for CA NAME: an index of revoked serials and a CRL counter.
_pki_ca_db() {
  local dir="$PKI/$1.db"
  if [ ! -d "$dir" ]; then
    mkdir "$dir"
    : >"$dir/index.txt"
    echo 1000 >"$dir/crlnumber"
    printf '%s\n' "[ca]" "default_ca = this" "[this]" "database = $dir/index.txt" "crlnumber = $dir/crlnumber" \
      "default_md = sha256" "default_crl_days = $PKI_CRL_DAYS" "unique_subject = no" "crl_extensions = crl_ext" \
      "[crl_ext]" "authorityKeyIdentifier = keyid:always" >"$dir/ca.cnf"
  fi
  echo "$dir"
}

# pki_revoke CA NAME: records NAME's certificate as revoked (key compromise) in CA's database.
pki_revoke() {
  local dir
  dir="$(_pki_ca_db "$1")"
  openssl ca -config "$dir/ca.cnf" -cert "$PKI/$1.crt" -keyfile "$PKI/$1.key" \
    -revoke "$PKI/$2.crt" -crl_reason keyCompromise 2>/dev/null
}

# pki_crl CA: writes $PKI/CA.crl listing every certificate revoked so far (possibly none).
pki_crl() {
  local dir
  dir="$(_pki_ca_db "$1")"
  openssl ca -config "$dir/ca.cnf" -cert "$PKI/$1.crt" -keyfile "$PKI/$1.key" -gencrl -out "$PKI/$1.crl" 2>/dev/null
}

# pki_sha256 NAME / pki_sha1 NAME: thumbprint of the DER certificate, as openssl and consoles print it (AB:CD:...).
pki_sha256() { openssl x509 -in "$PKI/$1.crt" -noout -fingerprint -sha256 | cut -d= -f2; }
pki_sha1() { openssl x509 -in "$PKI/$1.crt" -noout -fingerprint -sha1 | cut -d= -f2; }

# pki_hex FINGERPRINT: the same thumbprint as lowercase hex without separators.
pki_hex() { echo "$1" | tr -d ':' | tr 'A-F' 'a-f'; }

# pki_spki_sha256 NAME: base64 SHA-256 of the SubjectPublicKeyInfo (the HPKP / Envoy / curl --pinnedpubkey pin).
pki_spki_sha256() {
  openssl x509 -in "$PKI/$1.crt" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | openssl base64 -A
}

# pki_cat NAME...: the PEM files $PKI/NAME, concatenated (e.g. pki_cat web.crt issuing.crt for a chain).
pki_cat() {
  local f
  for f in "$@"; do cat "$PKI/$f"; done
}

# YAML output. Values are PEM text written as literal block scalars, so the files stay readable and diffable.

# yaml_header: the first lines of every generated file.
yaml_header() {
  printf '# Generated by %s with the openssl CLI. Do not edit: change the script and run it again.\n' "$1"
}

# _yaml_entries KEY=PEMFILE...: "  key: |" followed by the file indented by four spaces.
_yaml_entries() {
  local pair
  for pair in "$@"; do
    printf '  %s: |\n' "${pair%%=*}"
    sed 's/^/    /' "$PKI/${pair#*=}"
  done
}

# yaml_secret NAME NAMESPACE TYPE KEY=FILE...: a Secret with the files in stringData.
yaml_secret() {
  local name=$1 namespace=$2 type=$3
  shift 3
  printf -- '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: %s\nstringData:\n' "$name" "$namespace" "$type"
  _yaml_entries "$@"
}

# yaml_configmap NAME NAMESPACE KEY=FILE...: a ConfigMap with the files in data (public material only).
yaml_configmap() {
  local name=$1 namespace=$2
  shift 2
  printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: %s\ndata:\n' "$name" "$namespace"
  _yaml_entries "$@"
}

# yaml_policy_head NAME NAMESPACE TRUSTBUNDLE: a ClientAuthPolicy up to "pins:"; the caller prints the pin entries.
yaml_policy_head() {
  printf 'apiVersion: mtls-operator.io/v1alpha1\nkind: ClientAuthPolicy\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  trustBundleRef:\n    name: %s\n  pins:\n' "$1" "$2" "$3"
}

# pki_export FILE...: when CLIENTS_DIR is set, copies these files (client certificates and keys, the CA that
# clients verify the server with) there, so the rendered proxy can be tried with curl. Never committed.
pki_export() {
  [ -n "${CLIENTS_DIR:-}" ] || return 0
  mkdir -p "$CLIENTS_DIR"
  local f
  for f in "$@"; do cp "$PKI/$f" "$CLIENTS_DIR/$f"; done
}
