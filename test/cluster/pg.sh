#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for tests, CI and the bench (no Docker here:
# Debian's postgresql package). Everything lives in one temp dir that `stop` removes.
#
#   test/cluster/pg.sh start [DIR]   create + start; prints the database URL on stdout (the last line)
#   test/cluster/pg.sh url DIR       print the URL of a running cluster
#   test/cluster/pg.sh stop DIR      stop it and remove DIR
#
# initdb refuses to run as root, so as root it runs as the `postgres` user (runuser -u postgres);
# as any other user it runs as that user. Auth is scram-sha-256 with a random password, as in a real
# deployment, so the URL carries credentials: do not print it where secrets must not appear.
set -euo pipefail

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    echo "pg.sh: PostgreSQL is not installed: apt-get install postgresql" >&2
    exit 2
  fi
  echo "$d"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  local bin dir port pw
  bin=$(pg_bin)
  dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/propitbox-pg.XXXXXX")}
  mkdir -p "$dir"
  chmod 700 "$dir"
  pw=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" >"$dir/pwfile"
  chmod 600 "$dir/pwfile"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/pwfile" \
    --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { echo "pg.sh: initdb failed (log: $dir/initdb.log)" >&2; tail -5 "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"
  # A free port can be taken between the probe and the bind: try a few.
  local tries=0
  while :; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c shared_buffers=128MB" >/dev/null 2>&1; then
      break
    fi
    tries=$((tries + 1))
    if [ $tries -ge 5 ]; then
      echo "pg.sh: PostgreSQL did not start (log: $dir/postgres.log)" >&2
      tail -5 "$dir/postgres.log" >&2 || true
      exit 1
    fi
  done
  echo "$port" >"$dir/port"
  echo "$pw" >"$dir/password"
  chmod 600 "$dir/password"
  PGPASSWORD=$pw "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'CREATE DATABASE propitbox' >/dev/null
  echo "pg.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir (stop: test/cluster/pg.sh stop $dir)" >&2
  url "$dir"
}

url() {
  local dir=$1
  [ -f "$dir/port" ] || { echo "pg.sh: no cluster in $dir" >&2; exit 2; }
  echo "postgres://postgres:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/propitbox"
}

stop() {
  local dir=${1:?usage: pg.sh stop DIR}
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  url) url "${2:?usage: pg.sh url DIR}" ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: test/cluster/pg.sh start [DIR] | url DIR | stop DIR" >&2; exit 2 ;;
esac
