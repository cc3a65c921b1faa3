#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on loopback for the test run and prints its DATABASE_URL.
# Installs the server from Debian's packages when it is missing. Usage: .ci/postgres.sh start|stop
set -euo pipefail
PGPORT="${PGPORT:-55432}"
PGROOT="${PGROOT:-/tmp/tidlig-indsats-pg}"
PGBIN=""

find_bin() {
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
}

install_server() {
  find_bin
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/postgres" ]; then
    echo "installing PostgreSQL from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    find_bin
  fi
}

as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    install_server
    if [ -d "$PGROOT/data" ] && as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" status >/dev/null 2>&1; then
      as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate stop >/dev/null
    fi
    rm -rf "$PGROOT"
    mkdir -p "$PGROOT"
    [ "$(id -u)" = "0" ] && chown postgres "$PGROOT"
    as_postgres "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
    echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
    ;;
  stop)
    find_bin
    [ -d "$PGROOT/data" ] && as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast stop >/dev/null || true
    ;;
esac
