#!/usr/bin/env bash
# Nearby benchmark: loads the city dataset (see loadtest/.../CityDataset.java) at 100,000 and
# 1,000,000 records, then measures nearby at concurrency 32 (radius 1 and 10 km, limit 20 and
# 100) and at a fixed 500 requests/s, on each; then loads 200,000 points inside 10 km and reports
# the largest index partition. Needs a running node (make run) and the city list (make bench-data).
# Writes bench/results/nearby-<date>.md. Takes about 20 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE_URL=${BASE_URL:-http://127.0.0.1:8080}
DURATION=${DURATION:-30}
SEED=${SEED:-1}
OUT=bench/results/nearby-$(date -u +%Y-%m-%d).md
MVN="mvn -B -q --no-transfer-progress"
RABBITMQCTL="/usr/lib/rabbitmq/bin/rabbitmqctl -n locus@localhost"

backlog() { $RABBITMQCTL list_queues name messages 2>/dev/null | awk '/\.(writes|shard)\.[0-9]/ && !/hooks/ {s+=$2} END {print s+0}'; }
drain() { while [ "$(backlog)" != "0" ]; do sleep 2; done; }

gatling() { # gatling <simulation> <-Dkey=value…>: prints "p50 p99 throughput errors"
  local log; log=$(mktemp)
  (cd loadtest && $MVN gatling:test -Dgatling.simulationClass=io.locus.loadtest.$1 -DbaseUrl="$BASE_URL" "${@:2}" >"$log" 2>&1) || true
  local p50 p99 rps ko
  p50=$(grep 'response time 50th' "$log" | tail -1 | awk -F'|' '{print $2}' | tr -d ' ,')
  p99=$(grep 'response time 99th' "$log" | tail -1 | awk -F'|' '{print $2}' | tr -d ' ,')
  rps=$(grep 'mean throughput' "$log" | tail -1 | awk -F'|' '{print $2}' | tr -d ' ,')
  ko=$(grep '> KO ' "$log" | tail -1 | awk '{print $(NF-1)}')
  echo "$p50 $p99 $rps ${ko:-0}"
  rm -f "$log"
}

load() { # load <layer> <records> [disc]
  local extra=()
  [ -n "${3:-}" ] && extra=(-Ddisc="$3")
  echo "loading $2 records into $1" >&2
  gatling DatasetLoadSimulation -Dlayer="$1" -Drecords="$2" -Dseed="$SEED" "${extra[@]}" >/dev/null
  drain
}

{
  echo "# Nearby benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "One node (all roles), RabbitMQ, Cassandra and the Gatling load generator on one machine:"
  echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB. Dataset: GeoNames cities weighted by population,"
  echo "seed $SEED. Queries centred on points drawn from the same distribution. $DURATION s per row."
  echo
  echo "| records | radius | limit | load | p50 ms | p99 ms | req/s | errors |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$OUT"

for size in 100000 1000000; do
  layer="bench.cities.$size"
  load "$layer" "$size"
  gatling NearbySimulation -Dlayer="$layer" -DradiusKm=1 -Dlimit=20 -Dusers=32 -Dduration=15 >/dev/null # warm-up
  for radius in 1 10; do
    for limit in 20 100; do
      read -r p50 p99 rps ko < <(gatling NearbySimulation -Dlayer="$layer" -DradiusKm=$radius -Dlimit=$limit -Dusers=32 -Dduration="$DURATION")
      echo "| $size | $radius km | $limit | 32 clients | $p50 | $p99 | $rps | $ko |" >> "$OUT"
    done
    read -r p50 p99 rps ko < <(gatling NearbySimulation -Dlayer="$layer" -DradiusKm=$radius -Dlimit=20 -Drate=500 -Dduration="$DURATION")
    echo "| $size | $radius km | 20 | 500 req/s | $p50 | $p99 | $rps | $ko |" >> "$OUT"
  done
done

load bench.dense 200000 "35.6812,139.7671,10"
scripts/services.sh nodetool flush >/dev/null 2>&1 || true
{
  echo
  echo "## Largest index partition"
  echo
  echo "200,000 points spread uniformly within 10 km of Tokyo station (layer bench.dense), with the"
  echo "city datasets above in the same table. From \`nodetool tablestats\` / \`tablehistograms\` on"
  echo "\`records_by_cell\`:"
  echo
  echo '```'
  scripts/services.sh nodetool tablestats locus.records_by_cell 2>/dev/null | grep -E 'partitions|Compacted partition|Space used \(live\)' || true
  scripts/services.sh nodetool tablehistograms locus records_by_cell 2>/dev/null | grep -E 'Percentile|Max|99%|50%' || true
  echo '```'
} >> "$OUT"
echo "wrote $OUT"
