#!/usr/bin/env bash
# The baselines the benchmark compares Locus with: our own Redis and PostgreSQL/PostGIS,
# on loopback, with their data under .run/ (nothing of the system services is used).
#
#   bench/services.sh up       install what is missing, start what is not running, wait until ready
#   bench/services.sh down     stop only what `up` started (Redis by pidfile, PostgreSQL by pg_ctl)
#   bench/services.sh status   one line per service
#
#   Redis 127.0.0.1:6390           no persistence (--save '' --appendonly no), data dir .run/redis
#   PostgreSQL 15 127.0.0.1:5440   cluster in .run/postgres/data, user postgres (trust), database
#                                  `bench` with the postgis extension; socket in /tmp
#
# An instance that already answers on its port is reused (and `down` leaves it alone unless it
# is ours). Running `up` twice is fine. Needs root the first time (apt-get, runuser).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUN="$ROOT/.run"
REDIS_PORT=6390
REDIS_DIR="$RUN/redis"
REDIS_PID="$REDIS_DIR/redis.pid"
PG_PORT=5440
PG_BIN=/usr/lib/postgresql/15/bin
PG_HOME="$RUN/postgres"
PG_DATA="$PG_HOME/data"
PG_LOG="$PG_HOME/server.log"
PG_DB=bench
READY_TIMEOUT="${READY_TIMEOUT:-60}"
PACKAGES=(redis-server postgresql postgresql-15-postgis-3)

log() { printf '[bench-services] %s\n' "$*" >&2; }
die() { printf '[bench-services] error: %s\n' "$*" >&2; exit 1; }

wait_for() { # wait_for <seconds> <command...>: true once the command succeeds, false at the deadline
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || return 1
    sleep 0.5
  done
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
  (( ${#missing[@]} == 0 )) && return 0
  [[ $(id -u) -eq 0 ]] || die "missing OS packages: ${missing[*]} (install them as root)"
  log "installing ${missing[*]}"
  # A policy-rc.d keeps the packaged services from starting; we never use them anyway.
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}")
  if ! "${apt[@]}" >/dev/null; then
    log "install failed; running apt-get update and trying again"
    apt-get update -qq
    "${apt[@]}" >/dev/null || die "could not install ${missing[*]}"
  fi
}

# PostgreSQL refuses to run as root: its tools run as the postgres OS user.
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

psql_bench() { PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

redis_ping() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }
redis_ours() { [[ -f "$REDIS_PID" ]] && kill -0 "$(cat "$REDIS_PID")" 2>/dev/null; }

redis_up() {
  if redis_ping; then
    if redis_ours; then log "Redis already running (ours)"; else log "Redis answers on 127.0.0.1:$REDIS_PORT: reusing it"; fi
    return 0
  fi
  mkdir -p "$REDIS_DIR"
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --save '' --appendonly no \
    --daemonize yes --pidfile "$REDIS_PID" --logfile "$REDIS_DIR/redis.log"
  wait_for "$READY_TIMEOUT" redis_ping || die "Redis did not answer within ${READY_TIMEOUT}s; see $REDIS_DIR/redis.log"
  log "Redis ready"
}

redis_down() {
  if redis_ours; then
    local pid; pid=$(cat "$REDIS_PID")
    kill "$pid" 2>/dev/null || true
    wait_for 20 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
    log "Redis stopped"
  fi
  rm -f "$REDIS_PID"
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }
pg_ours() { [[ -f "$PG_DATA/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1; }

pg_up() {
  if pg_ready; then
    if pg_ours; then log "PostgreSQL already running (ours)"; else log "PostgreSQL answers on 127.0.0.1:$PG_PORT: reusing it"; fi
  else
    mkdir -p "$PG_HOME"
    if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$PG_HOME"; fi
    if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
      log "initialising a PostgreSQL cluster in $PG_DATA"
      # trust: only loopback can reach it (listen_addresses=127.0.0.1, socket in /tmp).
      as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-locale >"$PG_HOME/initdb.log" 2>&1 \
        || die "initdb failed; see $PG_HOME/initdb.log"
    fi
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log $PG_LOG)"
    # fsync and synchronous_commit are off: fine for a read benchmark on throw-away data (and
    # it only speeds up the load); a crash may lose or corrupt this cluster, which `up` can rebuild.
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$READY_TIMEOUT" start \
      -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c shared_buffers=256MB" \
      >/dev/null || die "PostgreSQL did not start; see $PG_LOG"
    wait_for "$READY_TIMEOUT" pg_ready || die "PostgreSQL did not answer within ${READY_TIMEOUT}s; see $PG_LOG"
    log "PostgreSQL ready"
  fi
  if [[ -z $(psql_bench -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") ]]; then
    psql_bench -d postgres -c "CREATE DATABASE $PG_DB" >/dev/null
    log "created database $PG_DB"
  fi
  psql_bench -d "$PG_DB" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
}

pg_down() {
  if pg_ours; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    log "PostgreSQL stopped"
  fi
}

status_line() { # status_line <name> <port> <ready-fn> <ours-fn>
  local state=down owner=""
  "$3" && state=up
  if "$4"; then owner=" (ours)"; elif [[ $state == up ]]; then owner=" (not started by us)"; fi
  printf '%-10s %-4s 127.0.0.1:%s%s\n' "$1" "$state" "$2" "$owner"
}

case "${1:-}" in
  up) install_packages; redis_up; pg_up ;;
  down) pg_down; redis_down ;;
  status)
    status_line redis "$REDIS_PORT" redis_ping redis_ours
    status_line postgres "$PG_PORT" pg_ready pg_ours ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
