#!/bin/sh
# Gives every partition back to its preferred broker (automatic rebalancing is off: docs/reliability.md).
# Usage: elect-leaders.sh BOOTSTRAP   (run in the kafka-init container: infra/guardian.sh elect-leaders)
set -eu
login=/tmp/elect-leaders.properties
/bin/sh /etc/guardian/broker-login.sh "$login"
status=0
/opt/kafka/bin/kafka-leader-election.sh --bootstrap-server "$1" --command-config "$login" \
  --election-type PREFERRED --all-topic-partitions || status=$?
rm -f "$login"
exit "$status"
