#!/usr/bin/env bash
# Builds the dashboard into web/dist and runs its unit tests.
#   scripts/web-build.sh            # npm ci + typecheck + build + unit tests
#   scripts/web-build.sh --no-test  # skip the unit tests
# Prints the gzipped JS size of the bundle. Needs node >= 20 and the npm registry (or a warm npm cache).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/web"
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( node_major < 20 )); then
  echo "error: node >= 20 is needed for Vite 7 (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
RUN_TESTS=1
[[ "${1:-}" == "--no-test" ]] && RUN_TESTS=0
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npx --no-install tsc --noEmit
npx --no-install vite build --logLevel warn
js_bytes=0
gz_bytes=0
for f in dist/assets/*.js; do
  js_bytes=$((js_bytes + $(wc -c <"$f")))
  gz_bytes=$((gz_bytes + $(gzip -9 -c "$f" | wc -c)))
done
css_gz=0
for f in dist/assets/*.css; do css_gz=$((css_gz + $(gzip -9 -c "$f" | wc -c))); done
echo "web/dist built: JS ${js_bytes} bytes (${gz_bytes} gzipped), CSS ${css_gz} bytes gzipped"
if (( gz_bytes > 300 * 1024 )); then
  echo "error: JS bundle is over the 300 KB gzipped budget" >&2
  exit 1
fi
if (( RUN_TESTS )); then
  npx --no-install vitest run
fi
