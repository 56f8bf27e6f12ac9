#!/usr/bin/env bash
# Configures and builds Sentio into ${BUILD_DIR:-build} (Release-ish, warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DSENTIO_WERROR=ON "$@" >/dev/null
ninja -C "$BUILD_DIR" -j"$(nproc)"
