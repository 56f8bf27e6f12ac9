#!/usr/bin/env bash
# The whole test suite, exactly what CI runs (.ci/run calls this script):
#   1. dependencies (Debian packages, npm)      5. libFuzzer targets, bounded time, ASan/UBSan
#   2. build with warnings as errors            6. web dashboard: build + unit tests
#   3. every CTest test (unit, integration      7. end-to-end tests in Debian's Chromium
#      with real SQLite, PostgreSQL, Redis)        against a real `sentio serve --demo`
#   4. ASan + UBSan build of the unit tests
# Env: SKIP_ASAN=1, SKIP_FUZZ=1, SKIP_WEB=1 to shorten local runs; FUZZ_SECONDS (default 30).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc)
passed=0; failed=0; failed_steps=()
step() {  # step NAME CMD...
  local name=$1; shift
  local t0=$SECONDS
  echo "::: $name"
  if "$@"; then passed=$((passed+1)); echo "::: $name ok ($((SECONDS-t0)) s)"
  else failed=$((failed+1)); failed_steps+=("$name"); echo "::: $name FAILED ($((SECONDS-t0)) s)"; fi
}

bash scripts/install-deps.sh --with-test-deps || { echo "dependency install failed"; exit 1; }

step "build" bash scripts/build.sh
step "ctest" ctest --test-dir build --output-on-failure -j"$JOBS" --timeout 600

if [[ "${SKIP_ASAN:-0}" != 1 ]]; then
  asan() {
    cmake -S . -B build-asan -G Ninja -DSENTIO_WERROR=ON -DSENTIO_SANITIZE=ON -DSENTIO_BUILD_BENCH=OFF \
      -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null &&
    ninja -C build-asan -j"$JOBS" $(ctest --test-dir build -L unit -N -V 2>/dev/null | sed -n 's/.*Test command: \([^ ]*\).*/\1/p' | xargs -r -n1 basename | sort -u) &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan -L unit --output-on-failure -j"$JOBS" --timeout 900
  }
  step "asan+ubsan unit tests" asan
fi

if [[ "${SKIP_FUZZ:-0}" != 1 ]]; then
  fuzz() {
    CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSENTIO_FUZZ=ON -DSENTIO_SANITIZE=ON \
      -DSENTIO_BUILD_BENCH=OFF -DSENTIO_WITH_POSTGRES=OFF -DSENTIO_WITH_REDIS=ON >/dev/null || return 1
    local targets=(fuzz_ingest_decoder fuzz_query fuzz_event_bridge)
    ninja -C build-fuzz -j"$JOBS" "${targets[@]}" || return 1
    for t in "${targets[@]}"; do
      bin=$(find build-fuzz -type f -name "$t" -perm -u+x | head -1)
      [[ -n "$bin" ]] || { echo "missing fuzzer $t"; return 1; }
      mkdir -p "build-fuzz/corpus/$t"
      corpus_src="$ROOT/$(dirname "${bin#build-fuzz/}")/fuzz_corpus/${t#fuzz_}"  # checked-in seeds, read-only
      dirs=("build-fuzz/corpus/$t"); [[ -d "$corpus_src" ]] && dirs+=("$corpus_src")
      "$bin" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=65536 -timeout=10 -artifact_prefix=build-fuzz/ "${dirs[@]}" 2>&1 | tail -3 || return 1
    done
  }
  step "fuzz (libFuzzer, ${FUZZ_SECONDS:-30}s each)" fuzz
fi

if [[ "${SKIP_WEB:-0}" != 1 && -f web/package.json ]]; then
  step "web build + unit tests" bash scripts/web-build.sh
  [[ -x tests/e2e/run.sh ]] && step "e2e (Chromium)" env SENTIO_BIN="$ROOT/build/bin/sentio" bash tests/e2e/run.sh
fi

echo
if ((failed)); then echo "failed steps: ${failed_steps[*]}"; fi
echo "suite: $passed passed, $failed failed"
((failed == 0))
