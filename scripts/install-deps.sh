#!/usr/bin/env bash
# Installs everything Sentio needs to build, test and run on Debian 12 (idempotent).
# Debian packages only (+ the npm registry for the web dashboard and the VADER lexicon).
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build ccache pkg-config git clang libclang-rt-14-dev
  libboost1.81-all-dev libcli11-dev libspdlog-dev libfmt-dev libsqlite3-dev sqlite3
  libutf8proc-dev zlib1g-dev libssl-dev libcurl4-openssl-dev libpq-dev libhiredis-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Node.js + npm (dashboard build, VADER lexicon fetch): keep a preinstalled one (the
# machine image ships Node 20); otherwise Debian's packages.
command -v npm >/dev/null 2>&1 || PKGS+=(nodejs npm)
TEST_PKGS=(postgresql redis-server chromium wrk curl procps psmisc)
want=("${PKGS[@]}")
[[ "${1:-}" == "--with-test-deps" ]] && want+=("${TEST_PKGS[@]}")
missing=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "dependencies ok"
