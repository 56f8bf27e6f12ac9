#!/usr/bin/env bash
# start-redis.sh DIR PORT — starts a throwaway redis-server (AOF on, appendfsync always,
# data in DIR, 127.0.0.1:PORT, daemonized). Prints the URL. Stop with stop-redis.sh DIR.
# Env: SENTIO_REDIS_FSYNC=always|everysec|no (default always).
set -euo pipefail
dir=${1:?usage: start-redis.sh DIR PORT}
port=${2:?usage: start-redis.sh DIR PORT}
fsync=${SENTIO_REDIS_FSYNC:-always}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
  --appendonly yes --appendfsync "$fsync" --save "" --protected-mode no
for _ in $(seq 1 100); do
  if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
    # Loading the AOF after a restart replies LOADING until done.
    echo "$port" >"$dir/port"
    echo "redis://127.0.0.1:$port/0"
    exit 0
  fi
  sleep 0.1
done
echo "redis-server did not start on port $port; the end of $dir/redis.log:" >&2
tail -5 "$dir/redis.log" >&2 2>/dev/null
exit 1
