#!/usr/bin/env bash
# start-postgres.sh DIR PORT — starts a throwaway PostgreSQL 15 cluster in DIR
# (unix socket in DIR, TCP on 127.0.0.1:PORT, trust auth, database "sentio_test").
# Prints the connection URL on stdout. Stop with stop-postgres.sh DIR.
# Env: SENTIO_PG_FSYNC=on|off (default off: fast, for tests; set on for benchmarks).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
dir=${1:?usage: start-postgres.sh DIR PORT}
port=${2:?usage: start-postgres.sh DIR PORT}
fsync=${SENTIO_PG_FSYNC:-off}
bindir=${SENTIO_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$bindir/initdb" ] || { echo "initdb not found (set SENTIO_PG_BINDIR)" >&2; exit 1; }

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ "$(id -u)" = 0 ]; then chown "$SENTIO_HARNESS_USER" "$dir"; fi
if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_user "$bindir/initdb" -D "$dir/data" -U sentio --auth=trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
fi
as_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=$fsync -c synchronous_commit=$fsync -c full_page_writes=$fsync -c max_connections=200 -c shared_buffers=128MB" >/dev/null \
  || { tail -20 "$dir/postgres.log" >&2; exit 1; }
as_user "$bindir/createdb" -h "$dir" -p "$port" -U sentio sentio_test 2>/dev/null || true
echo "$port" >"$dir/port"
echo "postgres://sentio@127.0.0.1:$port/sentio_test"
