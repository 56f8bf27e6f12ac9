#!/usr/bin/env bash
# stop-redis.sh DIR [--wipe] — stops the redis-server started by start-redis.sh DIR
# (SHUTDOWN NOSAVE: the AOF is already on disk), waiting until the process is gone.
set -uo pipefail
dir=${1:?usage: stop-redis.sh DIR [--wipe]}
if [ -f "$dir/port" ]; then
  redis-cli -p "$(cat "$dir/port")" shutdown nosave >/dev/null 2>&1 || true
fi
if [ -f "$dir/redis.pid" ]; then
  pid=$(cat "$dir/redis.pid")
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
fi
if [ "${2:-}" = --wipe ]; then rm -rf "$dir"; fi
exit 0
