#!/usr/bin/env bash
# Installs what e2ekit's build, tests, demo and interop peers need on Debian 12.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  build-essential cmake ninja-build clang-14 libclang-rt-14-dev clang-format
  # the library's dependencies
  libsodium-dev libxeddsa-dev libssl-dev libsecp256k1-dev libprotozero-dev
  nlohmann-json3-dev libpugixml-dev libboost1.74-dev libsqlite3-dev libhiredis-dev
  # tests and benches
  catch2 libbenchmark-dev redis-server valgrind
  # interop peers
  libsignal-protocol-c-dev libolm-dev python3 python3-olm python3-xeddsa python3-omemo
  python3-oldmemo python3-twomemo python3-xmlschema python3-cryptography
  # independent peers for codec cross-checks
  python3-protobuf python3-canonicaljson
  # matrix-nio: a real client building and reading Olm/Megolm event contents
  python3-matrix-nio
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm run the npm peers; a machine may already have them from elsewhere.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm peers, pinned by the lockfile (only once an issue needs them).
if [ -f tests/interop/npm/package-lock.json ]; then
  if [ ! -d tests/interop/npm/node_modules ] ||
     [ tests/interop/npm/package-lock.json -nt tests/interop/npm/node_modules ]; then
    (cd tests/interop/npm && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "setup: ready"
