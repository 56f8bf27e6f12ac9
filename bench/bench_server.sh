#!/usr/bin/env bash
# HTTP benchmark of POST /api/predict with wrk against the server test binary
# (server/bench_server_main.cc: real Server, toy classifier, in-memory fakes).
# Usage: bench/bench_server.sh [build_dir] [duration_s] [connections] [wrk_threads]
set -euo pipefail
BUILD=${1:-build}
DUR=${2:-10}
CONNS=${3:-16}
WRK_THREADS=${4:-2}
PORT=${PORT:-18089}
IO_THREADS=${IO_THREADS:-2}
PREDICT_THREADS=${PREDICT_THREADS:-1}
BIN="$BUILD/bin/sentio_bench_server"
[ -x "$BIN" ] || { echo "build it first: ninja -C $BUILD sentio_bench_server" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 1; }
"$BIN" "$PORT" "$IO_THREADS" "$PREDICT_THREADS" $((DUR + 30)) > /dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break; sleep 0.1; done
LUA=$(mktemp)
cat > "$LUA" <<'LUA'
wrk.method = "POST"
wrk.body = '{"text":"I really love this video, great work"}'
wrk.headers["Content-Type"] = "application/json"
LUA
echo "== POST /api/predict, $CONNS connections, ${DUR}s, io_threads=$IO_THREADS predict_threads=$PREDICT_THREADS"
wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DUR}s" --latency -s "$LUA" "http://127.0.0.1:$PORT/api/predict"
echo "== GET /api/health (store on the blocking pool)"
wrk -t"$WRK_THREADS" -c"$CONNS" -d"$((DUR / 2 > 0 ? DUR / 2 : 1))s" --latency "http://127.0.0.1:$PORT/api/health" | sed -n '1,12p'
rm -f "$LUA"
