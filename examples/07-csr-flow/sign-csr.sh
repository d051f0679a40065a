#!/usr/bin/env bash
# sign-csr.sh REQUEST.csr CA.crt CA.key [DAYS] > signed.pem
#
# What a small corporate CA does with a certificate signing request, in openssl: verify the request's signature, issue a
# TLS server certificate with the CA's own profile (CA:FALSE, digitalSignature, serverAuth) and the names the request asks
# for (its subjectAltName is copied; nothing else from the request is trusted), and return the leaf followed by the CA
# certificate (the chain the server must present). Use it on the CSR the operator shows in status.csr.request:
#
#   mtls-operator csr payments-api -n payments > payments-api.csr
#   ./sign-csr.sh payments-api.csr issuing.crt issuing.key > signed.pem
#   kubectl create secret generic payments-api-signed -n payments --from-file=tls.crt=signed.pem
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 REQUEST.csr CA.crt CA.key [DAYS] > signed.pem" >&2; exit 2; }
request=$1 ca_crt=$2 ca_key=$3 days=${4:-397}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A request whose own signature does not verify was not made by the holder of the key: refuse it.
openssl req -in "$request" -noout -verify 2>/dev/null || { echo "sign-csr.sh: the request's signature does not verify" >&2; exit 1; }

# RSA keys may also do key transport (TLS 1.2 RSA suites); ECDSA keys only sign.
if openssl req -in "$request" -noout -text | grep -q "rsaEncryption"; then
  usage="digitalSignature, keyEncipherment"
else
  usage="digitalSignature"
fi
printf '%s\n' "basicConstraints = critical, CA:FALSE" "keyUsage = critical, $usage" "extendedKeyUsage = serverAuth" \
  "subjectKeyIdentifier = hash" "authorityKeyIdentifier = keyid:always" >"$work/profile.ext"

# -copy_extensions copy: take from the request only what the profile does not set, i.e. its subjectAltName.
openssl x509 -req -sha256 -in "$request" -CA "$ca_crt" -CAkey "$ca_key" -set_serial "0x7$(openssl rand -hex 15)" \
  -days "$days" -extfile "$work/profile.ext" -copy_extensions copy -out "$work/leaf.crt" 2>/dev/null
cat "$work/leaf.crt" "$ca_crt"
