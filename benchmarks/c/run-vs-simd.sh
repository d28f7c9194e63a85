#!/usr/bin/env bash
# Issue 14 §2: simd's step in cache next to plain C/OpenMP loops of the same equations (steps.c), interleaved
# round by round in one window, because this machine's speed drifts from minute to minute (DESIGN.md §1).
# Usage: benchmarks/c/run-vs-simd.sh [ROUNDS] [SIZE] [BACKENDS]   (after `mvn -B -DskipTests package`; needs gcc)
# Prints per round the C lines (rule size threads Mparam/s) and JMH's StepBenchmark lines (steps/s).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-3}
size=${2:-65536}
backends=${3:-simd1,simd}
jar="${BENCH_JAR:-$here/../target/optim4j-benchmarks.jar}"
bin="$here/../target/c/steps"
mkdir -p "$(dirname "$bin")"
gcc -O3 -march=native -fno-math-errno -ffp-contract=off -fopenmp "$here/steps.c" -o "$bin" -lm
rules=sgd,momentum,nesterov,adagrad,rmsprop,adam
for r in $(seq 1 "$rounds"); do
  echo "# round $r $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$bin" "$size" 2.5 ${rules//,/ } | sed 's/^/C /'
  java -jar "$jar" '\.StepBenchmark\.step$' -p rule="$rules" -p backend="$backends" -p size="$size" \
      -wi 2 -i 5 -w 500ms -r 500ms -f 1 -foe true 2>/dev/null | grep -E '^StepBenchmark.step ' || true
done
