#!/usr/bin/env bash
# Runs every test. Installs the real peers the end-to-end tests use (HAProxy, nginx, openssl, curl, and lua5.1 for the Argo CD health checks)
# from Debian's packages, and the Envoy proto check's npm packages, when they are missing; without them those tests
# report as skipped.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v lua5.1 >/dev/null 2>&1 || missing+=(lua5.1)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing from Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || echo "test.sh: apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
      || echo "test.sh: could not install ${missing[*]}; the tests that need them will report as skipped"
  else
    echo "test.sh: missing ${missing[*]} and cannot install (not root or no apt-get); the tests that need them will report as skipped"
  fi
fi

# The Envoy proto check (tests/MtlsOperator.Engine.Tests/Rendering/ENVOY.md) reads Envoy's own .proto files with
# protobufjs; the three npm packages are installed once into a cache folder, pinned to the versions it was written for.
if [ -z "${ENVOY_PROTO_CHECK:-}" ]; then
  envoy_check="${XDG_CACHE_HOME:-$HOME/.cache}/mtls-operator/envoy-proto-check"
  if [ ! -d "$envoy_check/node_modules/@grpc/grpc-js-xds/deps" ]; then
    if command -v npm >/dev/null 2>&1; then
      echo "test.sh: installing the Envoy proto check's npm packages into $envoy_check"
      mkdir -p "$envoy_check"
      npm install --prefix "$envoy_check" --no-audit --no-fund --silent \
        @grpc/grpc-js-xds@1.14.1 protobufjs@7.6.6 js-yaml@4.3.2 >/dev/null 2>&1 \
        || echo "test.sh: npm install failed; the Envoy proto check will report as skipped"
    else
      echo "test.sh: npm not found; the Envoy proto check will report as skipped"
    fi
  fi
  if [ -d "$envoy_check/node_modules/@grpc/grpc-js-xds/deps" ]; then
    export ENVOY_PROTO_CHECK="$envoy_check/node_modules"
  fi
fi

exec dotnet test Operator.sln --nologo "$@"
