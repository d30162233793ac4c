#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests: `start DIR` initialises a cluster in DIR (a new,
# temporary directory) and starts it on a free loopback port, as an unprivileged user (root
# cannot run PostgreSQL); prints the URL to export as BASKETBENCH_TEST_PG. `stop DIR` stops it
# and removes DIR. Used by .ci/run; runs locally too (as root or as any ordinary user).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}

as_owner() {
  # Run as the cluster's owner: `postgres` (created if missing) when we are root.
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    # A free loopback port, asked of the kernel (no fixed port to collide with).
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$PGBIN/initdb" -D "$dir/data" -U basketbench --auth=trust --no-locale -E UTF8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # Tests only: no fsync (a crash loses the throwaway data, never matters here).
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off \
          -c full_page_writes=off -c max_connections=200" >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U basketbench basketbench_test
    echo "postgresql://basketbench@127.0.0.1:$port/basketbench_test"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
