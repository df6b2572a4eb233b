#!/usr/bin/env bash
# `make bench-nodes`: the same single-PUT ingest (Gatling, USERS clients for DURATION + 30 s,
# the middle DURATION - 10 s profiled) against one node, then against three clustered nodes on
# this machine, Gatling spreading the requests round-robin. For each: requests a second,
# p50/p99, the cores every process used (from /proc) and the JFR profile of node 0 by part.
# Writes bench/results/<date>-nodes.md. About 6 minutes; not part of CI.
# Knobs: DURATION (30), USERS (64).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-30}
USERS=${USERS:-64}
WORK=$ROOT/target/bench-nodes
OUT=bench/results/$(date -u +%Y-%m-%d)-nodes.md
MVN="mvn -B -q --no-transfer-progress"
export HTTP_BASE=18280 HAZELCAST_BASE=15801 JAVA_OPTS=-Xmx512m
export LOCUS_CASSANDRA_KEYSPACE=locus_nodes LOCUS_RABBITMQ_NAME_PREFIX=locus.nodes
export LOCUS_AUTH_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 LOCUS_AUTH_RATE_LIMIT_BURST=1000000
mkdir -p "$WORK" bench/results
say() { echo "[bench-nodes] $*" >&2; }
single_pid=

cleanup() {
  [[ -n "$single_pid" ]] && kill "$single_pid" 2>/dev/null || true
  scripts/cluster.sh down > /dev/null 2>&1 || true
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source bench/lib.sh
url() { echo "http://127.0.0.1:$(( HTTP_BASE + $1 ))"; }

# measure LABEL BASE_URLS NODE0_PID NODE_PIDS…: one ingest run, profiled in its middle
measure() {
  local label=$1 urls=$2 node0=$3
  shift 3
  local nodes=("$@") file=$WORK/$(echo "$label" | tr -c 'A-Za-z0-9\n' '-')
  local layer=nodes.ingest.$(date +%s%N)
  (
    sleep 25 # Maven, Gatling's start and its warm-up; Gatling runs on 15 s past the window, so every process measured lives through it
    local before_locus before_cassandra before_rabbitmq before_gatling t0 gatling_pids
    gatling_pids=$(pgrep -f gatling || true) # the same processes at the end: one that ended in between would count negative
    before_locus=$(ticks "${nodes[@]}"); before_cassandra=$(ticks $(pgrep -f CassandraDaemon))
    before_rabbitmq=$(ticks $(pgrep -f beam.smp)); before_gatling=$(ticks $gatling_pids)
    t0=$(date +%s%N)
    jcmd "$node0" JFR.start name=nodes settings=default filename="$file.jfr" > /dev/null
    sleep $(( DURATION - 10 ))
    jcmd "$node0" JFR.stop name=nodes > /dev/null
    local hz seconds
    hz=$(getconf CLK_TCK); seconds=$(awk -v ns="$(( $(date +%s%N) - t0 ))" 'BEGIN {print ns / 1e9}')
    core() { awk -v t="$1" -v hz="$hz" -v s="$seconds" 'BEGIN {printf "%.2f", t / hz / s}'; }
    echo "{\"locus\": $(core $(( $(ticks "${nodes[@]}") - before_locus ))), \"cassandra\": $(core $(( $(ticks $(pgrep -f CassandraDaemon)) - before_cassandra ))), \"rabbitmq\": $(core $(( $(ticks $(pgrep -f beam.smp)) - before_rabbitmq ))), \"gatling\": $(core $(( $(ticks $gatling_pids) - before_gatling )))}" > "$file.cores"
  ) &
  local profiler=$! before after
  before=$(ls -1 loadtest/target/gatling 2>/dev/null | sort || true)
  (cd loadtest && $MVN gatling:test -Dgatling.simulationClass=io.locus.loadtest.IngestSimulation \
      -DbaseUrl="$urls" -Dlayer="$layer" -Dusers="$USERS" -Dduration=$(( DURATION + 30 )) -DlagProbe=false \
      -DmaxP99Ms=60000 -DmaxErrorPercent=100 > "$file.gatling.log" 2>&1) || say "$label: failed assertions (figures kept)"
  wait "$profiler"
  after=$(ls -1 loadtest/target/gatling | sort)
  local run=$ROOT/loadtest/target/gatling/$(comm -13 <(echo "$before") <(echo "$after") | tail -1)
  baselines_java io.locus.bench.BenchReport gatling "$run" "PUT record" "$label" locus write > "$file.figures"
  baselines_java io.locus.bench.BenchReport profile "$file.jfr" "$label" "$(cat "$file.cores")" > "$file.profile"
  echo "$file"
}

say "services and build"
make -s up package
(cd loadtest && $MVN test-compile)
$MVN -f bench/baselines/pom.xml package -DskipTests

say "one node (not clustered)"
LOCUS_HTTP_PORT=$HTTP_BASE java $JAVA_OPTS -jar target/locus.jar > "$WORK/single.log" 2>&1 &
single_pid=$!
until curl -sf -o /dev/null "$(url 0)/health"; do sleep 1; done
one=$(measure "1 node" "$(url 0)" "$single_pid" "$single_pid")
kill "$single_pid"; wait "$single_pid" 2>/dev/null || true; single_pid=

say "three clustered nodes"
scripts/cluster.sh up 3
pids=($(cat .run/cluster/node-0.pid .run/cluster/node-1.pid .run/cluster/node-2.pid))
three=$(measure "3 nodes" "$(url 0),$(url 1),$(url 2)" "${pids[0]}" "${pids[@]}")
scripts/cluster.sh down

row() { # row FILE: one table row from a run's figures and profile
  local figures profile
  figures=$(cat "$1.figures"); profile=$(cat "$1.profile")
  echo "| $(jq -r .scenario <<< "$figures") | $(jq -r '.throughput | floor' <<< "$figures") | $(jq -r .p50Ms <<< "$figures") | $(jq -r .p99Ms <<< "$figures") | $(jq -r .errors <<< "$figures") | $(jq -r '.cores | to_entries | map("\(.key) \(.value)") | join(", ")' <<< "$profile") |"
}
parts() { jq -r '"- **\(.scenario)**, node 0 (\(.locus.samples) JFR samples, GC pauses \(.locus.gcPauseMsPerSecond) ms/s): " + (.locus.shares | to_entries | map("\(.key) \(.value)%") | join(", "))' "$1.profile"; }
{
  echo "# One node against three, single-PUT ingest ($(date -u +%Y-%m-%d), $(git rev-parse --short HEAD))"
  echo
  echo "$(nproc) cores; $USERS Gatling clients for $(( DURATION + 30 )) s (throughput and latency over the whole run), cores and JFR over $(( DURATION - 10 )) s in its middle; three nodes on the same machine, Gatling round-robin over them. Command: \`make bench-nodes\`."
  echo
  echo "| nodes | PUT/s | p50 ms | p99 ms | errors | cores used |"
  echo "|---|---|---|---|---|---|"
  row "$one"
  row "$three"
  echo
  echo "Three nodes ÷ one: $(jq -s '(.[1].throughput / .[0].throughput * 1000 | round) / 1000' "$one.figures" "$three.figures")."
  echo
  parts "$one"
  parts "$three"
} > "$OUT"
cat "$OUT"
