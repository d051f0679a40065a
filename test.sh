#!/usr/bin/env bash
# Runs every test. Installs the real peers the end-to-end tests use (HAProxy, nginx, openssl, curl)
# from Debian's packages when they are missing; without them those tests report as skipped.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
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

exec dotnet test Operator.sln --nologo "$@"
