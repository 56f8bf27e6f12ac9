#!/usr/bin/env bash
# End-to-end figures of the real `sentio serve` (shipped models, embedded SQLite store) on
# loopback, with the FastAPI + scikit-learn baseline measured in the same run:
#   1. POST /api/predict, one text, wrk 16 connections: req/s and latency percentiles
#   2. durable ingest: wrk posting batches of 100 unique posts; accepted/s and analysed/s
#   3. ingest -> WebSocket new_post latency at 1,000 posts/s (p50/p99)
#   4. peers.sh api (FastAPI + sklearn) unless --no-peers
# Usage: bench/serve_bench.sh [path/to/sentio] [seconds] [--no-peers]
# Env: ONLY=ingest (just section 2), BENCH_WORKERS=K (also start K `sentio worker`
# processes; with SENTIO_QUEUE=redis://.. SENTIO_STORE=postgres://.. SENTIO_WORKERS=0 this
# measures the scale-out deployment: see bench/bench_scaleout.sh), PORT.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sentio=${1:-$root/build/bin/sentio}
secs=${2:-10}
port=${PORT:-18090}
dir=$(mktemp -d)
wpids=()
trap 'kill $pid "${wpids[@]}" 2>/dev/null; wait $pid "${wpids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
start() {
  "$sentio" --log-level warn serve --host 127.0.0.1 --port "$port" --data-dir "$dir/data" "$@" > "$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && return; sleep 0.1; done
  echo "server did not start"; cat "$dir/server.log"; exit 1
}
run_id=$(date +%s%N)
cat > "$dir/predict.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"text": "I absolutely love this video, the editing is great but the audio is a bit quiet"}'
wrk.headers["Content-Type"] = "application/json"
LUA
cat > "$dir/ingest.lua" <<'LUA'
-- Each wrk thread posts batches of 100 posts with ids unique per run, thread and request,
-- and counts what the server acknowledged ("accepted" in each 202 body).
local next_tid, threads = 0, {}
setup = function(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  threads[#threads + 1] = thread
end
counter, accepted, duplicates = 0, 0, 0
request = function()
  counter = counter + 1
  local parts = {}
  for i = 1, 100 do
    parts[i] = string.format('{"post_id":"RUNID-%d-%d-%d","source":"bench","content":"post %d of the bench, I love it but the sound is bad"}', tid, counter, i, i)
  end
  return wrk.format("POST", "/api/ingest", {["Content-Type"] = "application/json"}, '{"posts":[' .. table.concat(parts, ",") .. ']}')
end
-- A well-behaved client: on 429/503 (backlog full) wait before the next request, as
-- Retry-After asks, instead of spending the server's CPU on batches it must refuse.
local backoff = 0
response = function(status, headers, body)
  if status == 429 or status == 503 then backoff = 20 else backoff = 0 end
  if status == 202 then
    accepted = accepted + tonumber(string.match(body, '"accepted":(%d+)') or "0")
    duplicates = duplicates + tonumber(string.match(body, '"duplicates":(%d+)') or "0")
  end
end
delay = function() return backoff end
done = function(summary, latency, requests)
  local a, d = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("accepted"); d = d + t:get("duplicates") end
  io.write(string.format("acknowledged_posts %d duplicates %d\n", a, d))
end
LUA
sed -i "s/RUNID/$run_id/" "$dir/ingest.lua"
start
for w in $(seq 1 "${BENCH_WORKERS:-0}"); do
  "$sentio" --log-level warn worker --data-dir "$dir/data" > "$dir/worker$w.log" 2>&1 &
  wpids+=($!)
done
if [[ "${ONLY:-}" != ingest ]]; then
echo "== 1. POST /api/predict (one text), 16 connections, ${secs}s"
wrk -t2 -c16 -d"${secs}s" --latency -s "$dir/predict.lua" "http://127.0.0.1:$port/api/predict" | grep -E "Requests/sec|  50%|  90%|  99%|Non-2xx"
fi
echo "== 2. durable ingest, batches of 100, 8 connections, ${secs}s${BENCH_WORKERS:+, $BENCH_WORKERS worker processes}"
before=$(curl -s "http://127.0.0.1:$port/api/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["total_posts"], s["total_analyses"])')
t0=$(date +%s.%N)
wrk -t2 -c8 -d"${secs}s" --latency -s "$dir/ingest.lua" "http://127.0.0.1:$port/api/ingest" > "$dir/ingest.txt"
t1=$(date +%s.%N)
grep -E "Requests/sec|  99%|Non-2xx" "$dir/ingest.txt"
python3 - "$port" "$t0" "$t1" "$dir/ingest.txt" $before <<'PY'
import json, re, sys, time, urllib.request
port, t0, t1, wrk_out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), open(sys.argv[4]).read()
analyses0 = int(sys.argv[6])
def stats():
    return json.load(urllib.request.urlopen("http://127.0.0.1:%s/api/stats" % port))
# Acknowledged posts as counted by the client from the 202 bodies. In scale-out mode posts
# reach the store only once analysed, so the store cannot count the backlog: the client can.
m = re.search(r"acknowledged_posts (\d+) duplicates (\d+)", wrk_out)
accepted = int(m.group(1))
if int(m.group(2)):
    print("WARNING: %s posts were duplicates (ids reused)" % m.group(2))
print("accepted (durable, 202) posts/s: %.0f" % (accepted / (t1 - t0)))
analysed_at_end = stats()["total_analyses"] - analyses0
print("analysed during the run: %.0f posts/s (%d of %d)" % (analysed_at_end / (t1 - t0), analysed_at_end, accepted))
t = time.time()
while stats()["total_analyses"] - analyses0 < accepted and time.time() - t < 300:
    time.sleep(0.2)
lag = time.time() - t
done = stats()["total_analyses"] - analyses0
print("backlog drained %.1f s after the load stopped (%d of %d analysed); end-to-end analysed posts/s incl. drain: %.0f"
      % (lag, done, accepted, done / (t1 - t0 + lag)))
PY
[[ "${ONLY:-}" == ingest ]] && exit 0
echo "== 3. ingest -> WebSocket new_post latency at 1000 posts/s"
python3 "$root/bench/ws_latency.py" "$port" 1000 5
kill $pid; wait $pid 2>/dev/null || true
if [[ "${3:-}" != "--no-peers" && -x "$root/../shared/bench/peers.sh" ]]; then
  echo "== 4. baseline: FastAPI + scikit-learn (peers.sh api)"
  bash "$root/../shared/bench/peers.sh" api "$secs" 2>&1 | tail -4
fi
