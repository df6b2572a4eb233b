#!/usr/bin/env bash
# Runs ChaosIT N times in a row (make chaos-soak N=10) and prints one table: for every run and
# fault, the writes acknowledged, lost, stale and whether all were readable after. Each run's
# node logs stay under target/chaos-soak/run-<i>/. Exits non-zero if any run lost or left stale
# a write, or failed.
set -uo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}
MVN=${MVN:-mvn -B --no-transfer-progress}
OUT=target/chaos-soak
rm -rf "$OUT"; mkdir -p "$OUT"
failed=0
for ((run = 1; run <= N; run++)); do
  rm -rf target/chaos
  started=$SECONDS
  if $MVN verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ChaosIT >"$OUT/run-$run.log" 2>&1; then
    result=passed
  else
    result=FAILED; failed=1
  fi
  mkdir -p "$OUT/run-$run"
  [[ -d target/chaos ]] && cp -r target/chaos/. "$OUT/run-$run/"
  if [[ -f target/chaos/summary.md ]]; then
    sed "s/^|/| $run |/" target/chaos/summary.md >>"$OUT/table.md"
  fi
  printf '[chaos-soak] run %d of %d %s in %d s\n' "$run" "$N" "$result" "$((SECONDS - started))" >&2
  echo "| $run | (run $result, $((SECONDS - started)) s) | | | | | | | |" >>"$OUT/table.md"
done
echo
echo "| run | fault | acknowledged | lost | stale | client errors | unexpected answers | error window | all readable after |"
echo "|---|---|---|---|---|---|---|---|---|"
cat "$OUT/table.md"
lost=$(awk -F'|' '$5 ~ /^ *[0-9]+ *$/ && $6 ~ /^ *[0-9]+ *$/ { l += $5; s += $6 } END { print l + s + 0 }' "$OUT/table.md")
echo
echo "lost or stale in all runs: $lost"
[[ $failed == 0 && $lost == 0 ]]
