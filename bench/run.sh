#!/usr/bin/env bash
# `make bench`: Locus against what a user would pick instead, in one run, on one machine, on the
# same data. Starts what it needs (RabbitMQ and Cassandra as `make up` does; Redis and
# PostgreSQL/PostGIS through bench/services.sh), loads one deterministic dataset (GeoNames
# cities weighted by population, seed 1) into Locus, Redis and PostGIS, then runs with Gatling:
#   Locus: single and bulk ingest, `locus import` of the dataset file, nearby with a mix of radii, k-nearest, a 90/10 read/write mix;
#   baselines: a trivial Vert.x endpoint (the HTTP ceiling), Redis GEOSEARCH and PostGIS
#   ST_DWithin / KNN behind the same kind of Vert.x endpoint, driven by the same client with the
#   same queries; and, without HTTP, the raw RabbitMQ publish-with-confirm rate and the raw
#   Cassandra insert rate of the same rows.
# While each scenario runs it measures the cores every process uses (from /proc) and, for the
# Locus scenarios, records the Locus JVM with JFR: the report says where the CPU went.
# Writes bench/results/<date>.json, .md and .png. About 15 minutes; not part of CI.
# Knobs: RECORDS (100000), DURATION per scenario in s (30), USERS (32), LOCUS_PORT (8095),
# BASELINE_PORT (8090).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RECORDS=${RECORDS:-100000}
DURATION=${DURATION:-30}
USERS=${USERS:-32}
SEED=1
LOCUS_PORT=${LOCUS_PORT:-8095}
BASELINE_PORT=${BASELINE_PORT:-8090}
LOCUS_URL=http://127.0.0.1:$LOCUS_PORT
BASELINE_URL=http://127.0.0.1:$BASELINE_PORT
# Fresh layers each run, so that the queries always see exactly the loaded dataset: the
# dataset and the 90/10 mix use LAYER, the ingest scenarios INGEST_LAYER, the import IMPORT_LAYER; all are deleted
# (purged in the background) at the end.
RUN_ID=$(date -u +%Y%m%d%H%M%S)
LAYER=bench.points.$RUN_ID
INGEST_LAYER=bench.ingest.$RUN_ID
IMPORT_LAYER=bench.import.$RUN_ID
DATE=$(date -u +%Y-%m-%d)
WORK=$ROOT/target/bench
RESULTS=$WORK/results.jsonl
PROFILES=$WORK/profiles.jsonl
MVN="mvn -B -q --no-transfer-progress"
RABBITMQCTL="/usr/lib/rabbitmq/bin/rabbitmqctl -n locus@localhost"
mkdir -p "$WORK" bench/results
: > "$RESULTS"
: > "$PROFILES"
started=$(date +%s)

say() { echo "[bench $(( $(date +%s) - started ))s] $*" >&2; }

cleanup() {
  if [[ -n "${locus_pid:-}" ]]; then
    for layer in "$LAYER" "$INGEST_LAYER" "$IMPORT_LAYER"; do
      scripts/signed-curl -X DELETE "$LOCUS_URL/0.1/layers/$layer.json" > /dev/null 2>&1 || true
    done
    kill "$locus_pid" 2>/dev/null || true
  fi
  [[ -n "${baseline_pid:-}" ]] && kill "$baseline_pid" 2>/dev/null || true
  bench/services.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

await_http() { # await_http URL: polls until it answers, 120 s at most
  local deadline=$(( $(date +%s) + 120 ))
  until curl -sf -o /dev/null "$1"; do
    (( $(date +%s) < deadline )) || { say "no answer from $1"; exit 1; }
    sleep 1
  done
}

backlog() { $RABBITMQCTL list_queues name messages 2>/dev/null | awk '/^locus\.bench\.(writes|shard)\.[0-9]/ {s+=$2} END {print s+0}'; }
drain() { # waits until the writers have emptied the bench node's queues, 10 min at most
  local deadline=$(( $(date +%s) + 600 ))
  while [[ "$(backlog)" != "0" ]]; do
    (( $(date +%s) < deadline )) || { say "queues did not drain"; exit 1; }
    sleep 2
  done
}

# counter NAME: a Locus counter on /metrics, summed over its tags
counter() { curl -sf "$LOCUS_URL/metrics" | awk -v name="$1" 'index($0, name) == 1 {s += $NF} END {printf "%.0f", s}'; }
# applied_start: before an ingest run, notes the counters, and in the background when its first operation is accepted
applied_start() {
  published0=$(counter locus_publish_operations_total); applied0=$(counter locus_write_operations_total)
  rm -f "$WORK/first-accepted"
  ( while (( $(counter locus_publish_operations_total) == published0 )); do sleep 0.1; done; date +%s%3N > "$WORK/first-accepted" ) &
  first_accepted_watch=$!
}
# applied_end SCENARIO: after an ingest run, "<SCENARIO> applied": the records it got applied (readable from
# Cassandra, and on the change feed for the serving tier) per second, from its first accepted operation until the
# last accepted one was applied, and the backlog (accepted, not yet applied) its load left at its end
applied_end() {
  local published applied backlog t0 t1 deadline
  kill "$first_accepted_watch" 2>/dev/null || true
  published=$(( $(counter locus_publish_operations_total) - published0 ))
  backlog=$(( published - ($(counter locus_write_operations_total) - applied0) ))
  deadline=$(( $(date +%s) + 600 ))
  while (( $(counter locus_write_operations_total) - applied0 < published )); do
    (( $(date +%s) < deadline )) || { say "$1: accepted records were not applied in 10 min"; exit 1; }
    sleep 0.1
  done
  t1=$(date +%s%3N)
  t0=$(cat "$WORK/first-accepted" 2>/dev/null || echo "$t1")
  applied=$(( $(counter locus_write_operations_total) - applied0 ))
  echo "{\"scenario\":\"$1 applied\",\"system\":\"locus\",\"group\":\"write\",\"throughput\":$(awk -v n="$applied" -v ms="$(( t1 - t0 ))" 'BEGIN {printf "%.2f", (ms > 0 ? n * 1000 / ms : 0)}'),\"recordsPerRequest\":1,\"p50Ms\":0,\"p99Ms\":0,\"requests\":$applied,\"errors\":0,\"backlogAtEnd\":$backlog,\"applyMs\":$(( t1 - t0 ))}" \
    | tee -a "$RESULTS" >&2
}

settle() { # flushes Cassandra and waits for its compactions, so that they do not run under a scenario
  scripts/services.sh nodetool flush > /dev/null 2>&1 || true
  local deadline=$(( $(date +%s) + 300 ))
  while (( $(date +%s) < deadline )); do
    scripts/services.sh nodetool compactionstats 2>/dev/null | grep -q 'pending tasks *0' && return
    sleep 3
  done
  say "Cassandra compactions still pending after 5 min; going on"
}

# shellcheck source=bench/lib.sh
source bench/lib.sh

# gatling SIMULATION BASE_URL -Dk=v… : runs one simulation; prints its report directory
gatling() {
  local simulation=$1 url=$2
  shift 2
  local before after
  before=$(ls -1 loadtest/target/gatling 2>/dev/null | sort || true)
  (cd loadtest && $MVN gatling:test -Dgatling.simulationClass=io.locus.loadtest.$simulation \
      -DbaseUrl="$url" -Drecords="$RECORDS" -DmaxP99Ms=60000 -DmaxErrorPercent=100 "$@" \
      > "$WORK/$simulation.log" 2>&1) || say "$simulation ended with failed assertions (figures are kept)"
  after=$(ls -1 loadtest/target/gatling | sort)
  echo "$ROOT/loadtest/target/gatling/$(comm -13 <(echo "$before") <(echo "$after") | tail -1)"
}

# record RUN_DIR REQUEST SCENARIO SYSTEM GROUP [RECORDS_PER_REQUEST]
record() { baselines_java io.locus.bench.BenchReport gatling "$@" | tee -a "$RESULTS" >&2; }

PROCESSES=(locus cassandra rabbitmq redis postgres baselines gatling)
pids() { # pids PROCESS: the pids of one of PROCESSES
  case $1 in
    locus) echo "${locus_pid:-}" ;;
    cassandra) pgrep -f CassandraDaemon || true ;;
    rabbitmq) pgrep -f beam.smp || true ;;
    redis) pgrep -x redis-server || true ;;
    postgres) pgrep -u postgres -x postgres || true ;;
    baselines) echo "${baseline_pid:-}" ;;
    gatling) pgrep -f 'gatling' || true ;;
  esac
}
# profile NAME jfr|-: in the background, measures the middle of the Gatling run that follows
# (after its JVM has started, until shortly before it ends): cores per process, and with jfr a
# JFR recording of the Locus node. `profiled NAME` waits for it and appends the profile line.
profile() {
  local file; file=$WORK/$(echo "$1" | tr -c 'A-Za-z0-9\n' '-')
  (
    sleep 12
    declare -A before
    for p in "${PROCESSES[@]}"; do before[$p]=$(ticks $(pids "$p")); done
    local t0; t0=$(date +%s%N)
    [[ $2 == jfr ]] && jcmd "$locus_pid" JFR.start name=bench settings=default filename="$file.jfr" > /dev/null
    sleep $(( DURATION - 17 ))
    [[ $2 == jfr ]] && jcmd "$locus_pid" JFR.stop name=bench > /dev/null
    local elapsed=$(( $(date +%s%N) - t0 )) hz; hz=$(getconf CLK_TCK)
    local json="{" sep=""
    for p in "${PROCESSES[@]}"; do
      local used=$(( $(ticks $(pids "$p")) - before[$p] ))
      json+="$sep\"$p\": $(awk -v t="$used" -v hz="$hz" -v ns="$elapsed" 'BEGIN {printf "%.2f", t / hz / (ns / 1e9)}')"
      sep=", "
    done
    echo "$json}" > "$file.cores"
  ) &
  profiler=$!
  profile_name=$1
  profile_file=$file
  profile_jfr=$2
}
profiled() {
  wait "$profiler"
  local jfr="-"
  [[ $profile_jfr == jfr ]] && jfr="$profile_file.jfr"
  baselines_java io.locus.bench.BenchReport profile "$jfr" "$profile_name" "$(cat "$profile_file.cores")" >> "$PROFILES"
}

say "services: RabbitMQ and Cassandra, Redis and PostgreSQL/PostGIS"
make -s up
bench/services.sh up
say "building Locus, the load tests and the baselines"
make -s package bench-data
(cd loadtest && $MVN test-compile)
$MVN -f bench/baselines/pom.xml package -DskipTests

say "starting a Locus node on $LOCUS_URL (keyspace locus_bench) and the baseline server on $BASELINE_URL"
# The node starts with a short flight recording: the first recording a running JVM starts
# instruments JDK classes and throws away compiled code, which cost the scenario it landed in
# over half its throughput (nearby mix 497 req/s with it, 2,071 with a later one, same node and
# data). Started with the JVM, that happens before anything is compiled, and each scenario's
# recording (profile below) is a later one.
LOCUS_HTTP_PORT=$LOCUS_PORT LOCUS_CASSANDRA_KEYSPACE=locus_bench LOCUS_RABBITMQ_NAME_PREFIX=locus.bench \
  LOCUS_AUTH_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 LOCUS_AUTH_RATE_LIMIT_BURST=1000000 \
  java -XX:StartFlightRecording=name=startup,settings=default,duration=1s,filename="$WORK/startup.jfr" \
  -jar target/locus.jar --config conf/locus.json > "$WORK/locus.log" 2>&1 &
locus_pid=$!
java -cp "bench/baselines/target/classes:$(cat bench/baselines/target/classpath.txt)" io.locus.bench.BaselineServer \
  --port "$BASELINE_PORT" --redis 127.0.0.1:6390 --postgres 127.0.0.1:5440/bench > "$WORK/baselines.log" 2>&1 &
baseline_pid=$!
await_http "$LOCUS_URL/health"
await_http "$BASELINE_URL/ceiling"

say "dataset: $RECORDS points, seed $SEED, into Locus, Redis and PostGIS"
(cd loadtest && $MVN exec:java -Dexec.mainClass=io.locus.loadtest.ExportDataset -Dexec.classpathScope=test \
    -Dexec.args="$WORK/points.csv" -Dseed=$SEED -Drecords="$RECORDS")
baselines_java io.locus.bench.LoadBaselines --csv "$WORK/points.csv" --redis 127.0.0.1:6390 --postgres 127.0.0.1:5440/bench >&2
gatling DatasetLoadSimulation "$LOCUS_URL" -Dlayer="$LAYER" -Dseed=$SEED -Dusers=8 > /dev/null
drain
settle

say "serving tier: the first query loads the layer into memory; waiting for it to be warm"
scripts/signed-curl "$LOCUS_URL/0.1/records/$LAYER/nearby/0,0.json?limit=1" > /dev/null
serving=""
for _ in $(seq 1 600); do
  serving=$(curl -s "$LOCUS_URL/health/ready" | grep -o "\"$LAYER\":{[^}]*}" || true)
  [[ $serving == *'"state":"warm"'* ]] && break
  sleep 0.5
done
SERVING_NOTE="serving tier: ${serving:-not warm after 300 s}; $(curl -s "$LOCUS_URL/health/ready" | grep -o '"bytes":[0-9]*' | head -1) estimated in memory"
say "$SERVING_NOTE"

say "warm-up (not recorded): the JIT compilers and Cassandra's caches (read-only: the layer stays as Redis and PostGIS have it)"
# Measured on one node: a 30 s nearby mix right after loading ran at 1,030 req/s, the same mix
# after another 30 s of k-nearest at 2,300: the compilers need about a minute of this load.
gatling NearbySimulation "$LOCUS_URL" -Dlayer="$LAYER" -DradiiKm=0.5,1,5,10 -Dusers="$USERS" -Dduration=45 > /dev/null
gatling NearbySimulation "$LOCUS_URL" -Dlayer="$LAYER" -Dknn=true -Dusers="$USERS" -Dduration=30 > /dev/null
settle
gatling NearbySimulation "$BASELINE_URL" -Dtarget=redis -DradiiKm=1 -Dusers="$USERS" -Dduration=5 > /dev/null
gatling NearbySimulation "$BASELINE_URL" -Dtarget=postgis -DradiiKm=1 -Dusers="$USERS" -Dduration=5 > /dev/null

say "HTTP ceiling"
profile "HTTP ceiling" -
run=$(gatling CeilingSimulation "$BASELINE_URL" -Dusers="$USERS" -Dduration="$DURATION")
profiled
record "$run" "ceiling" "HTTP ceiling" "vertx" "http"

# nearby_on_each PROFILE REQUEST LOCUS_SCENARIO REDIS_SCENARIO POSTGIS_SCENARIO -Dk=v…: one
# NearbySimulation per target (Locus, then Redis and PostGIS behind the baseline server), with
# the same queries, each profiled and recorded under its scenario name
nearby_on_each() {
  local label=$1 request=$2
  local -A scenario=([locus]=$3 [redis]=$4 [postgis]=$5)
  shift 5
  local target url jfr run
  for target in locus redis postgis; do
    url=$LOCUS_URL; jfr=jfr
    [[ $target != locus ]] && url=$BASELINE_URL && jfr=-
    profile "$label: $target" $jfr
    run=$(gatling NearbySimulation "$url" -Dlayer="$LAYER" -Dtarget=$target -Dlimit=20 -Dusers="$USERS" -Dduration="$DURATION" "$@")
    profiled
    record "$run" "$request" "${scenario[$target]}" "$target" "nearby"
  done
}

say "nearby, radius mix 0.5/1/5/10 km, limit 20: Locus, Redis, PostGIS"
nearby_on_each "nearby mix" "nearby mix limit=20" "nearby mix" "Redis GEOSEARCH mix" "PostGIS ST_DWithin mix" -DradiiKm=0.5,1,5,10

say "k-nearest 20: Locus, Redis, PostGIS"
nearby_on_each "k-nearest" "nearby knn limit=20" "k-nearest" "Redis GEOSEARCH k-nearest" "PostGIS KNN <->" -Dknn=true

say "90/10 read/write mix (after a warm-up of its own: its writes move records, so it runs after the nearby comparisons)"
gatling MixedSimulation "$LOCUS_URL" -Dlayer="$LAYER" -Dusers="$USERS" -Dduration=20 > /dev/null
drain
settle
profile "90/10 mix" jfr
run=$(gatling MixedSimulation "$LOCUS_URL" -Dlayer="$LAYER" -Dusers="$USERS" -Dduration="$DURATION")
profiled
record "$run" "mix read by id" "read by id" "locus" "mix"
record "$run" "mix nearby" "mix nearby" "locus" "mix"
record "$run" "mix write" "mix write" "locus" "mix"
drain
settle

say "ingest: one record per PUT, then 100 per POST"
profile "ingest single" jfr
applied_start
run=$(gatling IngestSimulation "$LOCUS_URL" -Dlayer="$INGEST_LAYER" -Dusers=64 -Dduration="$DURATION")
profiled
record "$run" "PUT record" "ingest single" "locus" "write"
applied_end "ingest single"
drain
settle

say "change stream: from a write's acceptance to a subscriber, with single PUTs at half the applied rate just measured"
single=$(grep '"scenario":"ingest single applied"' "$RESULTS" | tail -1 | grep -o '"throughput":[0-9.]*' | cut -d: -f2)
half=$(awk -v rate="${single:-0}" 'BEGIN {printf "%.0f", rate / 2}')
changes_url="$LOCUS_URL/0.1/layers/$INGEST_LAYER/changes"
# The subscriber listens longer than the load lasts: Maven and Gatling take a while to start.
baselines_java io.locus.bench.ChangeLatencyProbe --url "$changes_url" --seconds $(( DURATION + 30 )) --out "$WORK/changes.jsonl" \
  --authorization "$(java -jar target/locus.jar --config conf/locus.json sign GET "$changes_url")" >&2 &
probe=$!
run=$(gatling IngestSimulation "$LOCUS_URL" -Dlayer="$INGEST_LAYER" -Drate="$half" -DlagProbe=false -Dduration="$DURATION")
wait "$probe"
record "$run" "PUT record" "ingest at half rate" "locus" "write"
cat "$WORK/changes.jsonl" >> "$RESULTS"
drain
settle
profile "ingest bulk" jfr
applied_start
run=$(gatling IngestSimulation "$LOCUS_URL" -Dlayer="$INGEST_LAYER" -Dusers=16 -Dbatch=100 -Dduration="$DURATION")
profiled
record "$run" "POST 100 records" "ingest bulk" "locus" "write" 100
applied_end "ingest bulk"
drain
settle

say "import CLI: the dataset's file into a fresh layer with \`locus import\`, as a user loads one"
scripts/signed-curl -X PUT "$LOCUS_URL/0.1/layers/$IMPORT_LAYER.json" -d '{"title":"import"}' > /dev/null
{ echo id,lat,lon; cat "$WORK/points.csv"; } > "$WORK/import.csv"
rm -f "$WORK/import.csv.checkpoint"
java -jar target/locus.jar --config conf/locus.json import --url "$LOCUS_URL" --layer "$IMPORT_LAYER" --progress none \
  "$WORK/import.csv" | tee "$WORK/import.txt" >&2
# "<layer>: A accepted, R rejected; N records in T s (X records/s)"
imported=$(grep -o '; [0-9]* records in [0-9.]* s' "$WORK/import.txt" | grep -o '[0-9.]*' | tr '\n' ' ')
read -r import_records import_seconds <<< "$imported"
echo "{\"scenario\":\"import CLI\",\"system\":\"locus\",\"group\":\"write\",\"throughput\":$(awk -v n="$import_records" -v t="$import_seconds" 'BEGIN {printf "%.2f", n / 500 / t}'),\"recordsPerRequest\":500,\"p50Ms\":0,\"p99Ms\":0,\"requests\":$(( (import_records + 499) / 500 )),\"errors\":$(grep -o '[0-9]* rejected' "$WORK/import.txt" | head -1 | cut -d' ' -f1)}" >> "$RESULTS"
drain

say "write-path limits without HTTP: RabbitMQ publish + confirm, Cassandra insert"
for layer in "$LAYER" "$INGEST_LAYER"; do
  scripts/signed-curl -X DELETE "$LOCUS_URL/0.1/layers/$layer.json" > /dev/null
done
drain
kill "$locus_pid"; wait "$locus_pid" 2>/dev/null || true; locus_pid=
baselines_java io.locus.bench.WritePathProbe --seconds "$DURATION" --inflight 64 \
  --rabbitmq 127.0.0.1:5672 --cassandra 127.0.0.1:9042 --out "$WORK/probe.jsonl" >&2
cat "$WORK/probe.jsonl" >> "$RESULTS"

say "report"
version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
cat > "$WORK/meta.json" <<JSON
{
  "date": "$(date -u +%Y-%m-%dT%H:%MZ)",
  "machine": {
    "cpu": "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)",
    "cores": $(nproc),
    "memoryGiB": $(free -g | awk '/Mem:/ {print $2}'),
    "os": "$(. /etc/os-release && echo "$PRETTY_NAME")"
  },
  "versions": {
    "locus": "$(git rev-parse --short HEAD)",
    "java": "$(java -version 2>&1 | head -1 | cut -d'"' -f2)",
    "vertx": "5.0.7",
    "rabbitmq": "$(version rabbitmq-server)",
    "cassandra": "$(grep -m1 -o '<cassandra.version>[^<]*' tools/cassandra/pom.xml | cut -d'>' -f2)",
    "redis": "$(version redis-server)",
    "postgresql": "$(version postgresql-15)",
    "postgis": "$(version postgresql-15-postgis-3)",
    "gatling": "3.15.1"
  },
  "dataset": {"records": $RECORDS, "seed": $SEED},
  "notes": "$RECORDS points, $DURATION s per scenario, $USERS concurrent clients (ingest: 64 single, 16 bulk), one Locus node with every role. Baselines answer the same GeoJSON shape from a Vert.x endpoint, driven by the same Gatling client with the same query centres. Figures are from one run on a shared 2-core machine: read ratios, not absolutes. ${SERVING_NOTE//\"/\'}"
}
JSON
baselines_java io.locus.bench.BenchReport report "$RESULTS" "$WORK/meta.json" "bench/results/$DATE" "$PROFILES"
say "wrote bench/results/$DATE.json, .md and .png in $(( $(date +%s) - started )) s"
