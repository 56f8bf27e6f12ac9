#!/usr/bin/env bash
# End-to-end figures of the real `sentio serve` (shipped models, embedded SQLite store) on
# loopback, with the FastAPI + scikit-learn baseline measured in the same run:
#   1. POST /api/predict, one text, wrk 16 connections: req/s and latency percentiles
#   2. durable ingest: wrk posting batches of 100 unique posts; accepted/s and analysed/s
#   3. ingest -> WebSocket new_post latency at 1,000 posts/s (p50/p99)
#   4. peers.sh api (FastAPI + sklearn) unless --no-peers
# Usage: bench/serve_bench.sh [path/to/sentio] [seconds] [--no-peers]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sentio=${1:-$root/build/bin/sentio}
secs=${2:-10}
port=${PORT:-18090}
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
start() {
  "$sentio" --log-level warn serve --host 127.0.0.1 --port "$port" --data-dir "$dir/data" "$@" > "$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && return; sleep 0.1; done
  echo "server did not start"; cat "$dir/server.log"; exit 1
}
cat > "$dir/predict.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"text": "I absolutely love this video, the editing is great but the audio is a bit quiet"}'
wrk.headers["Content-Type"] = "application/json"
LUA
cat > "$dir/ingest.lua" <<'LUA'
local counter = 0
local tid = 0
setup = function(thread) thread:set("tid", tid); tid = tid + 1 end
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, 100 do
    parts[i] = string.format('{"post_id":"b%d-%d-%d","source":"bench","content":"post %d of the bench, I love it but the sound is bad"}', tid, counter, i, i)
  end
  return wrk.format("POST", "/api/ingest", {["Content-Type"] = "application/json"}, '{"posts":[' .. table.concat(parts, ",") .. ']}')
end
LUA
start
echo "== 1. POST /api/predict (one text), 16 connections, ${secs}s"
wrk -t2 -c16 -d"${secs}s" --latency -s "$dir/predict.lua" "http://127.0.0.1:$port/api/predict" | grep -E "Requests/sec|  50%|  90%|  99%|Non-2xx"
echo "== 2. durable ingest, batches of 100, 8 connections, ${secs}s"
before=$(curl -s "http://127.0.0.1:$port/api/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_analyses"])')
t0=$(date +%s.%N)
wrk -t2 -c8 -d"${secs}s" --latency -s "$dir/ingest.lua" "http://127.0.0.1:$port/api/ingest" > "$dir/ingest.txt"
t1=$(date +%s.%N)
grep -E "Requests/sec|  99%|Non-2xx" "$dir/ingest.txt"
python3 - "$port" "$t0" "$t1" "$before" <<'PY'
import json, sys, time, urllib.request
port, t0, t1, before = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
def stats():
    return json.load(urllib.request.urlopen("http://127.0.0.1:%s/api/stats" % port))
s = stats()
accepted = s["total_posts"]
print("accepted (durable, 202) posts/s: %.0f" % (accepted / (t1 - t0)))
analysed_at_end = s["total_analyses"] - before
print("analysed during the run: %.0f posts/s (%d of %d)" % (analysed_at_end / (t1 - t0), analysed_at_end, accepted))
t = time.time()
while stats()["total_analyses"] < accepted and time.time() - t < 120:
    time.sleep(0.2)
lag = time.time() - t
print("backlog drained %.1f s after the load stopped; end-to-end analysed posts/s incl. drain: %.0f" % (lag, accepted / (t1 - t0 + lag)))
PY
echo "== 3. ingest -> WebSocket new_post latency at 1000 posts/s"
python3 "$root/bench/ws_latency.py" "$port" 1000 5
kill $pid; wait $pid 2>/dev/null || true
if [[ "${3:-}" != "--no-peers" && -x "$root/../shared/bench/peers.sh" ]]; then
  echo "== 4. baseline: FastAPI + scikit-learn (peers.sh api)"
  bash "$root/../shared/bench/peers.sh" api "$secs" 2>&1 | tail -4
fi
