#!/usr/bin/env bash
# stop-postgres.sh DIR [--wipe] — stops the cluster started by start-postgres.sh DIR.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
dir=${1:?usage: stop-postgres.sh DIR [--wipe]}
bindir=${SENTIO_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -f "$dir/data/postmaster.pid" ]; then
  as_user "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
fi
if [ "${2:-}" = --wipe ]; then rm -rf "$dir"; fi
exit 0
