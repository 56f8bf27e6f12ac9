# Shared helpers for the throwaway-server scripts (sourced, not executed).

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on, below Linux's ephemeral
# range (32768+) so that no outgoing connection of a busy test run can be holding it.
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + (RANDOM % 12000) ))
    if ! (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# as_user CMD...: runs CMD as the unprivileged user that owns the server data when we are
# root (PostgreSQL refuses to run as root); runs it directly otherwise.
SENTIO_HARNESS_USER=${SENTIO_HARNESS_USER:-postgres}
as_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$SENTIO_HARNESS_USER" -- "$@"
  else
    "$@"
  fi
}
