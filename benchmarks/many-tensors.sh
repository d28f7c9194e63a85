#!/usr/bin/env bash
# Issue 14 §3: Adam over many tensors, optim4j (JMH StepBenchmark, simd, one flat buffer with a tensor layout)
# next to PyTorch 1.13's Adam(foreach=True) on the same machine, rounds interleaved in one window.
# Usage: benchmarks/many-tensors.sh [ROUNDS] [LAYOUTS]   (after `mvn -B -DskipTests package`)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-3}
layouts=${2:-16777216,256x65536,85054464,gpt12x768}
jar="${BENCH_JAR:-$here/target/optim4j-benchmarks.jar}"
for r in $(seq 1 "$rounds"); do
  echo "# round $r $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -Xmx8g -jar "$jar" '\.StepBenchmark\.step$' -p rule=adam -p backend=simd1,simd -p size="$layouts" \
      -wi 2 -i 3 -w 1s -r 1s -f 1 -foe true 2>/dev/null | grep -E '^StepBenchmark.step ' || true
  for t in 1 2; do
    /usr/bin/python3 "$here/pytorch/foreach_adam.py" "$t" 20 ${layouts//,/ }
  done
done
