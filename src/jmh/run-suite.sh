#!/usr/bin/env bash
# Runs the whole benchmark suite (about 20 minutes on 2 cores; the disk needs about 20 GiB
# free), keeps the raw results in src/jmh/results/ and regenerates the tables in
# docs/PERFORMANCE.md and the README.
#
#   src/jmh/run-suite.sh                # everything
#   src/jmh/run-suite.sh AppendBenchmark  # only the JMH benchmarks matching a pattern; no latency run
#
# Benchmark files go to a fresh directory under $GROWLOG_BENCH_PARENT (default /var/tmp, which
# must be on the disk being measured, not tmpfs) and are deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."

results=src/jmh/results
mkdir -p "$results"
GROWLOG_BENCH_DIR=$(mktemp -d "${GROWLOG_BENCH_PARENT:-/var/tmp}/growlog-bench.XXXXXX")
export GROWLOG_BENCH_DIR
trap 'rm -rf "$GROWLOG_BENCH_DIR"' EXIT
df -hT "$GROWLOG_BENCH_DIR" | tail -1

mvn -B -q -Pbench package -DskipTests

pattern=${1:-'dev\.growlog\.bench\..*Benchmark'}
java -jar target/benchmarks.jar -rf json -rff "$results/jmh.json" "$pattern" 2>&1 | tee "$results/jmh.log"

latency=()
if [ $# -eq 0 ]; then
  # Chronicle Queue needs these on JDK 17+ (see JvmArgs); jffi wants native access on JDK 22+.
  java --enable-native-access=ALL-UNNAMED \
       --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
       --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
       --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
       -Dchronicle.analytics.disable=true \
       -cp target/benchmarks.jar dev.growlog.bench.LatencyMain --json "$results/latency.json" 2>&1 \
    | grep -v '^SLF4J' | tee "$results/latency.log"
  latency=(--latency "$results/latency.json")
fi

for doc in docs/PERFORMANCE.md README.md; do
  java -cp target/benchmarks.jar dev.growlog.bench.ReportTable "$results/jmh.json" "${latency[@]}" \
    --into "$doc" > /dev/null
done
