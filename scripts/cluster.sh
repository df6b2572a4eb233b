#!/usr/bin/env bash
# A local Locus cluster: N nodes of target/locus.jar on this machine, joined by Hazelcast over
# loopback, all on the RabbitMQ and Cassandra of `make up`.
#
#   scripts/cluster.sh up N        start nodes 0..N-1 (HTTP 8080+i, Hazelcast 5701+i), wait for /health
#   scripts/cluster.sh down        stop every node this script started
#   scripts/cluster.sh start I N   (re)start node I of an N-node cluster
#   scripts/cluster.sh kill I      kill -9 node I (for failure tests)
#   scripts/cluster.sh status      one line per node
#
# Ports move with HTTP_BASE and HAZELCAST_BASE; any LOCUS_* variable set by the caller applies
# to every node. Logs and pids live under .run/cluster/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${LOCUS_RUN_DIR:-$ROOT/.run}/cluster"
HTTP_BASE=${HTTP_BASE:-8080}
HAZELCAST_BASE=${HAZELCAST_BASE:-5701}
JAR="$ROOT/target/locus.jar"
JAVA_BIN="${JAVA:-java}"
JAVA_OPTS=${JAVA_OPTS:--Xmx768m}

log() { printf '[cluster] %s\n' "$*" >&2; }

members() { # members N: the Hazelcast addresses of nodes 0..N-1
  local list="" i
  for ((i = 0; i < $1; i++)); do list+="${list:+,}127.0.0.1:$((HAZELCAST_BASE + i))"; done
  echo "$list"
}

healthy() { curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1; }

start_node() { # start_node I N
  local i=$1 n=$2 port=$((HTTP_BASE + $1))
  mkdir -p "$DIR"
  [[ -f "$JAR" ]] || { log "no $JAR: run 'make package' first"; exit 1; }
  if [[ -f "$DIR/node-$i.pid" ]] && kill -0 "$(cat "$DIR/node-$i.pid")" 2>/dev/null; then
    log "node $i already running"; return 0
  fi
  if healthy "$port"; then
    log "port $port already answers: another process holds it"; exit 1
  fi
  cd "$ROOT"
  # The java process itself is the background job, so $! is the pid to signal.
  printf '[cluster] %s node %s starting\n' "$(date -Is)" "$i" >>"$DIR/node-$i.log"
  # shellcheck disable=SC2086
  LOCUS_CLUSTER_ENABLED=true LOCUS_HTTP_PORT=$port \
    LOCUS_CLUSTER_HAZELCAST_PORT=$((HAZELCAST_BASE + i)) LOCUS_CLUSTER_MEMBERS="$(members "$n")" \
    nohup "$JAVA_BIN" $JAVA_OPTS -jar "$JAR" >>"$DIR/node-$i.log" 2>&1 </dev/null &
  echo $! >"$DIR/node-$i.pid"
  log "node $i starting: http://127.0.0.1:$port (log $DIR/node-$i.log)"
}

wait_healthy() { # wait_healthy I
  local port=$((HTTP_BASE + $1)) deadline=$((SECONDS + 180))
  until healthy "$port"; do
    if ! kill -0 "$(cat "$DIR/node-$1.pid")" 2>/dev/null; then
      log "node $1 exited; see $DIR/node-$1.log"; tail -5 "$DIR/node-$1.log" >&2; exit 1
    fi
    (( SECONDS < deadline )) || { log "node $1 not healthy after 180 s"; exit 1; }
    sleep 0.5
  done
  log "node $1 healthy"
}

stop_all() {
  local pidfile
  for pidfile in "$DIR"/node-*.pid; do
    [[ -f "$pidfile" ]] || continue
    local pid; pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  log "cluster stopped"
}

case "${1:-}" in
  up)
    n=${2:-3}
    for ((i = 0; i < n; i++)); do start_node "$i" "$n"; done
    for ((i = 0; i < n; i++)); do wait_healthy "$i"; done ;;
  start) start_node "$2" "$3"; wait_healthy "$2" ;;
  kill)
    pid=$(cat "$DIR/node-$2.pid")
    kill -9 "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$DIR/node-$2.pid"
    log "node $2 killed (pid $pid)" ;;
  down) stop_all ;;
  status)
    for pidfile in "$DIR"/node-*.pid; do
      [[ -f "$pidfile" ]] || continue
      i=${pidfile##*/node-}; i=${i%.pid}
      state=down; kill -0 "$(cat "$pidfile")" 2>/dev/null && state=up
      printf 'node %s %-4s http://127.0.0.1:%s pid %s\n' "$i" "$state" "$((HTTP_BASE + i))" "$(cat "$pidfile")"
    done ;;
  *) echo "usage: $0 up N | down | start I N | kill I | status" >&2; exit 2 ;;
esac
