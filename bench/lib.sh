# Helpers the benchmark scripts share; sourced from the repository root.

# baselines_java CLASS ARGS…: runs a class of the baselines module (bench/baselines, built by the caller)
baselines_java() { java -cp "bench/baselines/target/classes:$(cat bench/baselines/target/classpath.txt)" "$@"; }

# ticks PID…: CPU time (user + system, clock ticks) of these processes
ticks() {
  local sum=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] && sum=$(( sum + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}') ))
  done
  echo $sum
}
