#!/usr/bin/env bash
# ctest-fixture.sh start|stop postgres|redis DIR — CTest FIXTURES_SETUP/CLEANUP helper.
# start: wipes DIR, starts the server on a free port and writes DIR/env
#        ("SENTIO_TEST_PG_URL=..." or "SENTIO_TEST_REDIS_URL=...") that the C++ tests read
#        through SENTIO_TEST_ENV_FILES. stop: stops the server and wipes DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
action=${1:?}; kind=${2:?}; dir=${3:?}
# Without the server binaries the tests skip (empty env file) instead of failing.
missing() { echo "$1 not installed: the scale-out tests will be skipped" >&2; mkdir -p "$dir"; : >"$dir/env"; exit 0; }
case "$action:$kind" in
  start:postgres)
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "${SENTIO_PG_BINDIR:-}" ] || missing PostgreSQL
    "$here/stop-postgres.sh" "$dir" --wipe
    port=$(free_port)
    url=$("$here/start-postgres.sh" "$dir" "$port")
    echo "SENTIO_TEST_PG_URL=$url" >"$dir/env"; echo "$url" ;;
  start:redis)
    command -v redis-server >/dev/null || missing redis-server
    "$here/stop-redis.sh" "$dir" --wipe
    port=$(free_port)
    url=$("$here/start-redis.sh" "$dir" "$port")
    echo "SENTIO_TEST_REDIS_URL=$url" >"$dir/env"; echo "$url" ;;
  stop:postgres) "$here/stop-postgres.sh" "$dir" --wipe ;;
  stop:redis) "$here/stop-redis.sh" "$dir" --wipe ;;
  *) echo "usage: ctest-fixture.sh start|stop postgres|redis DIR" >&2; exit 2 ;;
esac
