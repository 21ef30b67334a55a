#!/bin/sh
# The compose kafka-init job (POSIX sh, apache/kafka image): SCRAM users, topics, ACLs; idempotent.
# Usage: init.sh BOOTSTRAP   (the brokers' mutual-TLS listener, e.g. kafka-1:19093,kafka-2:19093,kafka-3:19093)
# Logs in with the broker certificate (User:kafka-broker, a super user), so it needs no SCRAM user to exist first.
# Setting a user's password again replaces it: re-running this job after editing kafka-init.env rotates passwords.
set -eu
bootstrap="$1"
bin=/opt/kafka/bin
dir=/etc/guardian
login=/tmp/kafka-init.properties
/bin/sh "$dir/broker-login.sh" "$login"

for principal in admin ingest transcriber moderation; do
  var="GUARDIAN_KAFKA_$(echo "$principal" | tr '[:lower:]' '[:upper:]')_PASSWORD"
  password=""
  eval "password=\${$var:-}"
  case "$password" in
    ''|CHANGE_ME) echo "kafka-init: $var is not set in kafka-init.env; set it to the password in the service's env file" >&2
                  exit 1 ;;
  esac
  echo "scram user $principal"
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --command-config "$login" --alter \
    --entity-type users --entity-name "$principal" --add-config "SCRAM-SHA-512=[password=$password]" >/dev/null
done
/bin/sh "$dir/create-topics.sh" "$dir/topics.conf" "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" \
  --command-config "$login"
/bin/sh "$dir/apply-acls.sh" "$dir/acls.conf" "$bin/kafka-acls.sh" --bootstrap-server "$bootstrap" \
  --command-config "$login"
rm -f "$login"
