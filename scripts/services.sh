#!/usr/bin/env bash
# Local RabbitMQ and Cassandra for development and tests.
#
#   scripts/services.sh up       start whatever is missing and wait until both are ready
#   scripts/services.sh down     stop only what `up` started (by pid), epmd included
#   scripts/services.sh status   one line per service
#
# RabbitMQ comes from the OS package `rabbitmq-server` (installed when missing); one that
# already answers on 127.0.0.1:5672 is reused and never stopped by `down`. Cassandra comes
# from its Maven Central artifact, resolved by tools/cassandra/pom.xml onto a classpath of
# its own and run as a separate JVM. Everything either writes lives under .run/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${LOCUS_RUN_DIR:-$ROOT/.run}"
RABBIT_DIR="$RUN/rabbitmq"
CASS_DIR="$RUN/cassandra"
RABBIT_NODE="locus@localhost"
RABBIT_BIN=/usr/lib/rabbitmq/bin
JAVA_BIN="${JAVA:-java}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # wait_for <what> <seconds> <command...>
  local what=$1 limit=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    (( SECONDS < deadline )) || return 1
    sleep 0.5
  done
  log "$what ready"
}

rabbit_env() {
  export RABBITMQ_NODENAME="$RABBIT_NODE"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_CONFIG_FILE="$ROOT/conf/rabbitmq/rabbitmq.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$ROOT/conf/rabbitmq/enabled_plugins"
  export RABBITMQ_CONF_ENV_FILE="$RABBIT_DIR/rabbitmq-env.conf"
  export RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia"
  export RABBITMQ_LOG_BASE="$RABBIT_DIR/log"
  export RABBITMQ_PID_FILE="$RABBIT_DIR/rabbitmq.pid"
  export RABBITMQ_DIST_PORT=25672
  # Erlang distribution and epmd on loopback only.
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

rabbit_install() {
  [[ -x "$RABBIT_BIN/rabbitmq-server" ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    die "rabbitmq-server is not installed; install the OS package (sudo apt-get install rabbitmq-server) or run as root"
  fi
  log "installing the OS package rabbitmq-server"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
  # Some images start the packaged service on install; it would listen on every
  # interface. Ours is started below, on loopback, with its data under .run/.
  if command -v service >/dev/null && service rabbitmq-server status >/dev/null 2>&1; then
    service rabbitmq-server stop >/dev/null 2>&1 || true
  fi
}

rabbit_up() {
  if port_open 5672; then
    if alive "$RABBIT_DIR/rabbitmq.pid"; then log "RabbitMQ already running (ours)"; else log "RabbitMQ answers on 127.0.0.1:5672: reusing it"; fi
    return 0
  fi
  rabbit_install
  mkdir -p "$RABBIT_DIR/log" "$RABBIT_DIR/mnesia"
  : > "$RABBIT_DIR/rabbitmq-env.conf"
  rabbit_env
  if ! port_open 4369; then
    epmd -address 127.0.0.1 -daemon
    # The daemon forks: record its pid only once it listens, not the parent's.
    wait_for epmd 10 port_open 4369
    pgrep -n -x epmd > "$RABBIT_DIR/epmd.pid"
  fi
  log "starting RabbitMQ (logs in $RABBIT_DIR/log)"
  setsid "$RABBIT_BIN/rabbitmq-server" > "$RABBIT_DIR/log/console.log" 2>&1 < /dev/null &
  wait_for "RabbitMQ port" "$READY_TIMEOUT" port_open 5672 \
    || die "RabbitMQ did not open 5672 within ${READY_TIMEOUT}s; see $RABBIT_DIR/log"
  "$RABBIT_BIN/rabbitmqctl" -q -n "$RABBIT_NODE" await_startup --timeout 60 >/dev/null \
    || die "RabbitMQ did not finish starting; see $RABBIT_DIR/log"
  log "RabbitMQ ready on 127.0.0.1:5672"
}

rabbit_down() {
  if alive "$RABBIT_DIR/rabbitmq.pid"; then
    rabbit_env
    local pid; pid=$(cat "$RABBIT_DIR/rabbitmq.pid")
    "$RABBIT_BIN/rabbitmqctl" -q -n "$RABBIT_NODE" stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    wait_for "RabbitMQ stop" 30 bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
    log "RabbitMQ stopped"
  fi
  rm -f "$RABBIT_DIR/rabbitmq.pid"
  if alive "$RABBIT_DIR/epmd.pid"; then
    kill "$(cat "$RABBIT_DIR/epmd.pid")" 2>/dev/null || true
    log "epmd stopped"
  fi
  rm -f "$RABBIT_DIR/epmd.pid"
}

cassandra_classpath() {
  local cp="$CASS_DIR/classpath"
  if [[ ! -s "$cp" || "$ROOT/tools/cassandra/pom.xml" -nt "$cp" ]]; then
    log "resolving Cassandra from Maven Central (tools/cassandra/pom.xml)"
    mkdir -p "$CASS_DIR"
    mvn -q -B -f "$ROOT/tools/cassandra/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null \
      || die "could not resolve org.apache.cassandra:cassandra-all"
  fi
  cat "$cp"
}

cassandra_up() {
  if port_open 9042; then
    if alive "$CASS_DIR/cassandra.pid"; then log "Cassandra already running (ours)"; else log "Cassandra answers on 127.0.0.1:9042: reusing it"; fi
    return 0
  fi
  local cp; cp=$(cassandra_classpath)
  mkdir -p "$CASS_DIR/data" "$CASS_DIR/log"
  local opts; opts=$(grep -v '^\s*#' "$ROOT/conf/cassandra/jvm17.options" | grep -v '^\s*$' | tr '\n' ' ')
  log "starting Cassandra (logs in $CASS_DIR/log)"
  # shellcheck disable=SC2086
  setsid "$JAVA_BIN" $opts \
    -Dcassandra.config="file://$ROOT/conf/cassandra/cassandra.yaml" \
    -Dcassandra.storagedir="$CASS_DIR/data" \
    -Dcassandra.logdir="$CASS_DIR/log" \
    -Dlogback.configurationFile="$ROOT/conf/cassandra/logback.xml" \
    -cp "$cp" org.apache.cassandra.service.CassandraDaemon \
    > "$CASS_DIR/log/console.log" 2>&1 < /dev/null &
  echo $! > "$CASS_DIR/cassandra.pid"
  wait_for "Cassandra" "$READY_TIMEOUT" cassandra_ready \
    || die "Cassandra did not answer on 9042 within ${READY_TIMEOUT}s; see $CASS_DIR/log"
}

cassandra_ready() {
  alive "$CASS_DIR/cassandra.pid" || die "Cassandra exited; see $CASS_DIR/log/console.log and system.log"
  port_open 9042
}

cassandra_down() {
  if alive "$CASS_DIR/cassandra.pid"; then
    local pid; pid=$(cat "$CASS_DIR/cassandra.pid")
    kill "$pid" 2>/dev/null || true
    wait_for "Cassandra stop" 60 bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
    log "Cassandra stopped"
  fi
  rm -f "$CASS_DIR/cassandra.pid"
}

nodetool() { # nodetool <args…>: Cassandra's nodetool against the local node (JMX on loopback)
  local cp; cp=$(cassandra_classpath)
  local opts; opts=$(grep -E '^--add-(exports|opens)|^-Djdk' "$ROOT/conf/cassandra/jvm17.options" | tr '\n' ' ')
  # shellcheck disable=SC2086
  "$JAVA_BIN" $opts -Xmx256m -cp "$cp" -Dlogback.configurationFile="$ROOT/conf/cassandra/logback-tools.xml" \
    org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p 7199 "$@"
}

status_line() { # status_line <name> <port> <pidfile>
  local state="down" owner=""
  port_open "$2" && state="up"
  if alive "$3"; then owner=" (ours, pid $(cat "$3"))"; elif [[ $state == up ]]; then owner=" (not started by us)"; fi
  printf '%-9s %-4s 127.0.0.1:%s%s\n' "$1" "$state" "$2" "$owner"
}

case "${1:-}" in
  up) rabbit_up; cassandra_up ;;
  down) cassandra_down; rabbit_down ;;
  status)
    status_line rabbitmq 5672 "$RABBIT_DIR/rabbitmq.pid"
    status_line cassandra 9042 "$CASS_DIR/cassandra.pid" ;;
  rabbitmq-up) rabbit_up ;;
  rabbitmq-down) rabbit_down ;;
  cassandra-up) cassandra_up ;;
  cassandra-down) cassandra_down ;;
  nodetool) shift; nodetool "$@" ;;
  *) echo "usage: $0 up|down|status|rabbitmq-up|rabbitmq-down|cassandra-up|cassandra-down|nodetool ARGS" >&2; exit 2 ;;
esac
