#!/usr/bin/env bash
# The fault-injection suite in one command (docs/reliability.md, "Faults"):
#
#   infra/chaos.sh [chaos options: --faults A,B --calls N --seconds S --seed N --out FILE]
#
# Faults (--faults): broker-leader, transcriber, moderation, ingest, postgres, broker-pause (the default suite), and
# by name none, rolling-restart, scale-out, scale-in; issue 17's sequence: --faults scale-out,scale-in,transcriber.
#
# Starts infra/local-cluster.sh with 2 ingest replicas, 2 transcribers and 2 moderation instances (3 KRaft brokers with
# RF 3 and min.insync.replicas 2, PostgreSQL) unless a cluster is already recorded in $GUARDIAN_LOCAL_WORK, runs
# `benchmark.jar chaos` against it (each fault in its own run, then the table), and stops the cluster it started
# (GUARDIAN_CHAOS_KEEP=1 keeps it). Needs the jars: ./mvnw -B -DskipTests package. Exit status: the suite's
# (1 when a run lost or doubled an utterance).
set -Eeuo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BENCHMARK="$ROOT/benchmark/target/benchmark.jar"
[ -f "$BENCHMARK" ] || { echo "[chaos] $BENCHMARK missing; build: ./mvnw -B -DskipTests package" >&2; exit 2; }
WORK="${GUARDIAN_LOCAL_WORK:-$ROOT/infra/local-cluster/work}"
export GUARDIAN_LOCAL_WORK="$WORK"

started=0
stop_started() { if [ "$started" = 1 ] && [ "${GUARDIAN_CHAOS_KEEP:-0}" != 1 ]; then infra/local-cluster.sh stop; fi; }
trap stop_started EXIT
if [ -s "$WORK/pids" ]; then
  echo "[chaos] using the cluster recorded in $WORK/pids" >&2
else
  started=1
  infra/local-cluster.sh start --transcribers 2 --ingest 2 --moderation 2
fi
java -Xmx1g -jar "$BENCHMARK" chaos --work "$WORK" "$@"
