#!/usr/bin/env bash
# CI entry point for the dashboard end-to-end suite.
#   tests/e2e/run.sh                 # target the real server when SENTIO_BIN (default build/bin/sentio) can serve, else the mock
#   E2E_TARGET=mock tests/e2e/run.sh # force the mock server
#   E2E_TARGET=real SENTIO_BIN=build-x/bin/sentio tests/e2e/run.sh
# Builds web/dist first when it is missing. Exits non-zero on failure; the last line reads "N passed, N failed".
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
if [[ ! -f web/dist/index.html ]]; then
  echo "web/dist missing: building the dashboard" >&2
  bash scripts/web-build.sh --no-test
fi
if [[ ! -d "$HERE/node_modules/playwright-core" || ! -d "$HERE/node_modules/ws" ]]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi
exec node "$HERE/e2e.mjs" "$@"
