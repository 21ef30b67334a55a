#!/bin/sh
# Creates every topic listed in topics.conf (POSIX sh: runs in the apache/kafka image and on a workstation).
# Usage: create-topics.sh TOPICS_CONF COMMAND...   where COMMAND runs kafka-topics against the cluster, e.g.
#   create-topics.sh /etc/guardian/topics.conf /opt/kafka/bin/kafka-topics.sh --bootstrap-server kafka-1:19092
# Idempotent (--if-not-exists), so re-running the job after a restart is harmless.
set -eu
conf="$1"; shift
replication="${GUARDIAN_TOPIC_REPLICATION:-3}"

create_one() { # name partitions configs command...
  name="$1"; partitions="$2"; configs="$3"; shift 3
  for c in $(echo "$configs" | tr ',' ' '); do set -- "$@" --config "$c"; done
  echo "topic $name: $partitions partitions, replication $replication, $configs"
  "$@" --create --if-not-exists --topic "$name" --partitions "$partitions" --replication-factor "$replication"
}

grep -v '^[[:space:]]*#' "$conf" | while read -r name partitions configs; do
  [ -n "${name:-}" ] || continue
  create_one "$name" "$partitions" "$configs" "$@"
done
