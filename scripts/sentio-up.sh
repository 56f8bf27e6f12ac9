#!/usr/bin/env bash
# One command for a newcomer: install dependencies, build (binary + dashboard) and start
# `sentio serve --demo` on http://localhost:8080 with a live synthetic stream.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
if [[ -f web/package.json ]]; then bash scripts/web-build.sh --no-test; fi
echo "Starting Sentio on http://localhost:${SENTIO_PORT:-8080} (Ctrl-C to stop)"
exec ./build/bin/sentio serve --demo "$@"
