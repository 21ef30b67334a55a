#!/bin/sh
# Adds every ACL listed in acls.conf (POSIX sh: runs in the apache/kafka image and on a workstation).
# Usage: apply-acls.sh ACLS_CONF COMMAND...   where COMMAND runs kafka-acls as a super user, e.g.
#   apply-acls.sh /etc/guardian/acls.conf /opt/kafka/bin/kafka-acls.sh --bootstrap-server kafka-1:19093 \
#     --command-config /tmp/admin.properties
# Idempotent (adding an existing ACL changes nothing). Lines removed from acls.conf are not revoked: remove
# those with kafka-acls --remove (docs/reliability.md, "Kafka security").
set -eu
conf="$1"; shift

add_one() { # principal resource pattern name operations command...
  principal="$1"; resource="$2"; pattern="$3"; name="$4"; operations="$5"; shift 5
  case "$resource" in
    topic|group|transactional-id) ;;
    *) echo "acls.conf: unknown resource '$resource' for $principal $name (topic, group or transactional-id)" >&2
       exit 1 ;;
  esac
  case "$pattern" in
    literal|prefixed) ;;
    *) echo "acls.conf: unknown pattern '$pattern' for $principal $name (literal or prefixed)" >&2; exit 1 ;;
  esac
  for op in $(echo "$operations" | tr ',' ' '); do set -- "$@" --operation "$op"; done
  echo "acl User:$principal $operations on $resource $name ($pattern)"
  "$@" --add --allow-principal "User:$principal" --"$resource" "$name" --resource-pattern-type "$pattern" >/dev/null
}

grep -v '^[[:space:]]*#' "$conf" | while read -r principal resource pattern name operations; do
  [ -n "${principal:-}" ] || continue
  add_one "$principal" "$resource" "$pattern" "$name" "$operations" "$@"
done
