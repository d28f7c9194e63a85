#!/usr/bin/env bash
# Runs the equality tests with master local-cluster[2,1,1024]: two executors in their own JVMs, as on a cluster.
# local-cluster needs a Spark distribution; this makes a stand-in under spark/target/spark-home (a jars/ directory
# of links to the Maven class path, which is what the worker's launcher reads) instead of downloading one.
set -euo pipefail
cd "$(dirname "$0")/.."
out=spark/target/local-cluster
mkdir -p "$out"
mvn -B -o -q test-compile dependency:build-classpath -pl spark -am -Dmdep.outputFile="$PWD/$out/cp.txt" \
  -Dmdep.includeScope=test
home=spark/target/spark-home
rm -rf "$home" && mkdir -p "$home/jars"
tr ':' '\n' < "$out/cp.txt" | grep '\.jar$' | while read -r j; do ln -s "$j" "$home/jars/"; done
executor_cp="$PWD/spark/target/test-classes:$PWD/spark/target/classes:$(cat "$out/cp.txt")"
SPARK_HOME="$PWD/$home" SPARK_SCALA_VERSION=2.13 mvn -B -o test -pl spark -am -Dtest=SparkTrainerEqualityTest \
  -Dsurefire.failIfNoSpecifiedTests=false '-Doptim4j.spark.master=local-cluster[2,1,1024]' \
  "-Dspark.executor.extraClassPath=$executor_cp" | tee "$out/test.log" | grep -E 'Tests run:|FAIL|BUILD'
