#!/usr/bin/env bash
# HAProxy on loopback in front of propitbox serve nodes, for tests and the bench. It runs the repo's
# deploy/haproxy.cfg with its `server` lines replaced by the nodes given, plus an admin socket
# (DIR/haproxy.sock) so tests can see which nodes the health check has marked UP.
#
#   test/cluster/haproxy.sh start DIR LB_PORT HOST:PORT...   start (daemon); prints the balancer URL
#   test/cluster/haproxy.sh stop DIR                          stop it and remove DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cfg_src="$here/../../deploy/haproxy.cfg"

start() {
  local dir=${1:?usage: haproxy.sh start DIR LB_PORT HOST:PORT...} port=${2:?LB_PORT missing}
  shift 2
  [ $# -gt 0 ] || { echo "haproxy.sh: give at least one node (HOST:PORT)" >&2; exit 2; }
  command -v haproxy >/dev/null || { echo "haproxy.sh: HAProxy is not installed: apt-get install haproxy" >&2; exit 2; }
  mkdir -p "$dir"
  chmod 700 "$dir"
  {
    # Everything but the node list, which is ours.
    grep -v '^  server node' "$cfg_src" | sed "s|^global$|global\n  stats socket $dir/haproxy.sock mode 600 level admin|"
    local i=1
    for node in "$@"; do
      echo "  server node$i $node check"
      i=$((i + 1))
    done
  } >"$dir/haproxy.cfg"
  PROPITBOX_LB_BIND="127.0.0.1:$port" PROPITBOX_LB_HOST="127.0.0.1:$port" \
    haproxy -D -p "$dir/haproxy.pid" -f "$dir/haproxy.cfg" 2>"$dir/haproxy.log" ||
    { echo "haproxy.sh: HAProxy did not start:" >&2; cat "$dir/haproxy.log" >&2; exit 1; }
  echo "http://127.0.0.1:$port"
}

stop() {
  local dir=${1:?usage: haproxy.sh stop DIR}
  [ -d "$dir" ] || return 0
  if [ -f "$dir/haproxy.pid" ]; then
    local pid
    pid=$(cat "$dir/haproxy.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: test/cluster/haproxy.sh start DIR LB_PORT HOST:PORT... | stop DIR" >&2; exit 2 ;;
esac
