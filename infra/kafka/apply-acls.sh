#!/bin/sh
# Adds every ACL listed in acls.conf (POSIX sh: runs in the apache/kafka image and on a workstation).
# Usage: apply-acls.sh ACLS_CONF COMMAND...   where COMMAND runs kafka-acls as a super user, e.g.
#   apply-acls.sh /etc/guardian/acls.conf /opt/kafka/bin/kafka-acls.sh --bootstrap-server kafka-1:19093 \
#     --command-config /tmp/admin.properties
# Idempotent (adding an existing ACL changes nothing). Lines removed from acls.conf are not revoked: remove
# those with kafka-acls --remove (docs/reliability.md, "Kafka security").
set -eu
conf="$1"; shift

add() { # principal resource pattern operations "names" command...: one kafka-acls call for all names of a group
  principal="$1"; resource="$2"; pattern="$3"; operations="$4"; names="$5"; shift 5
  case "$resource" in
    topic|group|transactional-id) ;;
    *) echo "acls.conf: unknown resource '$resource' for $principal $names (topic, group or transactional-id)" >&2
       exit 1 ;;
  esac
  case "$pattern" in
    literal|prefixed) ;;
    *) echo "acls.conf: unknown pattern '$pattern' for $principal $names (literal or prefixed)" >&2; exit 1 ;;
  esac
  for op in $(echo "$operations" | tr ',' ' '); do set -- "$@" --operation "$op"; done
  for name in $names; do set -- "$@" --"$resource" "$name"; done
  echo "acl User:$principal $operations on $resource $names ($pattern)"
  "$@" --add --allow-principal "User:$principal" --resource-pattern-type "$pattern" >/dev/null
}

# lines with the same principal, resource, pattern and operations become one call (each call starts a JVM)
grep -v '^[[:space:]]*#' "$conf" | awk 'NF {
    key = $1 " " $2 " " $3 " " $5
    if (!(key in names)) order[++n] = key
    names[key] = names[key] (names[key] == "" ? "" : " ") $4
  }
  END { for (i = 1; i <= n; i++) print order[i] "|" names[order[i]] }' |
while IFS='|' read -r key names; do
  # shellcheck disable=SC2086 # key is "principal resource pattern operations"
  add $key "$names" "$@"
done
