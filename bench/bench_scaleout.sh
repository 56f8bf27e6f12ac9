#!/usr/bin/env bash
# bench_scaleout.sh [BUILD_DIR] — throughput of the scale-out backends on this machine.
# Starts a throwaway PostgreSQL (fsync on) and redis-server (AOF, appendfsync always) in a
# temp dir, then measures with BUILD_DIR/queue/scaleout_bench:
#   1. Enqueue into Redis (one producer, batches of $BATCH)
#   2. WriteResults into PostgreSQL alone (one writer)
#   3. End to end: $N posts queued, drained by 1, 2 and 4 consumer processes
#      (Claim -> WriteResults -> Ack; synthetic analysis: model cost NOT included)
# Env: N (default 50000), BATCH (default 500), SENTIO_REDIS_FSYNC, SENTIO_PG_FSYNC (default on),
#      ONLY=e2e (just section 4), E2E_SECS (default 10; 0 skips section 4), E2E_WORKERS
#      (default "1 2 4").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
bin=$build/queue/scaleout_bench
[ -x "$bin" ] || { echo "build it first: ninja -C $build scaleout_bench" >&2; exit 1; }
N=${N:-50000}
BATCH=${BATCH:-500}
h=$root/tests/harness
tmp=$(mktemp -d /tmp/sentio-bench-XXXXXX)
chmod 755 "$tmp"
cleanup() { "$h/stop-redis.sh" "$tmp/redis" --wipe; "$h/stop-postgres.sh" "$tmp/pg" --wipe; rm -rf "$tmp"; }
trap cleanup EXIT
redis_url=$("$h/start-redis.sh" "$tmp/redis" "$("$h/free-port.sh")")
pg_url=$(SENTIO_PG_FSYNC=${SENTIO_PG_FSYNC:-on} "$h/start-postgres.sh" "$tmp/pg" "$("$h/free-port.sh")")
rport=$(cat "$tmp/redis/port")
hz=$(getconf CLK_TCK)
# CPU seconds used so far by the servers (PostgreSQL: postmaster + reaped and live backends).
server_cpu() {
  local pm rpid
  pm=$(head -1 "$tmp/pg/data/postmaster.pid"); rpid=$(cat "$tmp/redis/redis.pid")
  python3 - "$pm" "$rpid" "$hz" <<'PY'
import os, sys
pm, rpid, hz = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def st(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return [int(x) for x in f[11:15]]  # utime stime cutime cstime
pg = sum(st(pm))
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            f = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()
            if int(f[1]) == pm: pg += sum(st(int(d))[:2])
        except Exception: pass
print(pg / hz, sum(st(rpid)[:2]) / hz)
PY
}
# run_measured NAME CMD...: runs CMD, prints its JSON line extended with CPU-µs per post of
# the client, PostgreSQL and Redis.
run_measured() {
  local name=$1; shift
  read -r pg0 rd0 < <(server_cpu)
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" >"$tmp/out.json"
  sleep 0.3
  read -r pg1 rd1 < <(server_cpu)
  python3 - "$tmp/out.json" "$tmp/time" "$pg0" "$pg1" "$rd0" "$rd1" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read())
u, s = map(float, open(sys.argv[2]).read().split()[-2:])
n = max(1, r["posts"])
pg = float(sys.argv[4]) - float(sys.argv[3]); rd = float(sys.argv[6]) - float(sys.argv[5])
r["cpu_us_per_post"] = {"client": round((u + s) * 1e6 / n, 1), "postgres": round(pg * 1e6 / n, 1),
                        "redis": round(rd * 1e6 / n, 1)}
print(json.dumps(r))
PY
}
reset() {
  redis-cli -p "$rport" flushall >/dev/null
  psql -q "$pg_url" -c 'DROP SCHEMA IF EXISTS bench CASCADE' >/dev/null 2>&1
}
echo "# machine: $(nproc) cores; redis appendfsync=${SENTIO_REDIS_FSYNC:-always}; postgres fsync=${SENTIO_PG_FSYNC:-on}; N=$N batch=$BATCH"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share these cores)"
if [[ "${ONLY:-}" != e2e ]]; then
reset
"$bin" write "$pg_url" 0 1 >/dev/null
run_measured enqueue "$bin" enqueue "$redis_url" "$N" "$BATCH"
reset
"$bin" write "$pg_url" 0 1 >/dev/null
run_measured write "$bin" write "$pg_url" "$N" "$BATCH"
for procs in 1 2 4; do
  reset
  "$bin" enqueue "$redis_url" "$N" "$BATCH" >/dev/null
  # Create the schema once so the consumers don't all wait on the migration lock.
  "$bin" write "$pg_url" 0 1 >/dev/null
  read -r pg0 rd0 < <(server_cpu)
  pids=()
  for i in $(seq 1 "$procs"); do "$bin" consume "$redis_url" "$pg_url" "$BATCH" >"$tmp/c$i.json" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
  sleep 0.3
  read -r pg1 rd1 < <(server_cpu)
  python3 - "$procs" "$N" "$tmp" "$pg0" "$pg1" "$rd0" "$rd1" <<'PY'
import json, sys, glob
procs, n, tmp = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
pg = float(sys.argv[5]) - float(sys.argv[4]); rd = float(sys.argv[7]) - float(sys.argv[6])
runs = [json.loads(open(f).read()) for f in sorted(glob.glob(tmp + "/c*.json"))[:procs]]
done = sum(r["posts"] for r in runs)
secs = max(r["seconds"] for r in runs)
print(json.dumps({"bench": "end_to_end", "consumers": procs, "posts": done,
                  "seconds": round(secs, 3), "posts_per_s": round(done / secs) if secs else 0,
                  "server_cpu_us_per_post": {"postgres": round(pg * 1e6 / done, 1),
                                             "redis": round(rd * 1e6 / done, 1)}}))
PY
  rm -f "$tmp"/c*.json
done
fi

# 4. The real deployment: `sentio serve --workers 0` (HTTP ingest into Redis) plus K
#    `sentio worker` processes with the shipped models writing PostgreSQL, loaded by wrk
#    with batches of 100 posts (bench/serve_bench.sh ONLY=ingest). Skip with E2E_SECS=0.
sentio=$build/bin/sentio
if [[ "${E2E_SECS:-10}" != 0 && -x "$sentio" ]]; then
  for k in ${E2E_WORKERS:-1 2 4}; do
    echo "# serve --workers 0 + $k worker process(es), Redis + PostgreSQL, ${E2E_SECS:-10}s of HTTP ingest"
    SENTIO_QUEUE=$redis_url SENTIO_STORE=$pg_url SENTIO_WORKERS=0 ONLY=ingest BENCH_WORKERS=$k \
      bash "$root/bench/serve_bench.sh" "$sentio" "${E2E_SECS:-10}" --no-peers 2>&1 | grep -vE "^==" | sed 's/^/  /'
  done
fi
