#!/usr/bin/env bash
# Creates (or updates the password of) the services' login roles: guardian_sink for moderation-stream, guardian_api
# for ingest-service. Their rights come from moderation-stream's migration V6, which neither role can change.
#
#   init-roles.sh [ENV_FILE...]   each file holds one service's SPRING_R2DBC_USERNAME and SPRING_R2DBC_PASSWORD
#
# The postgres image runs it once, on an empty volume (/docker-entrypoint-initdb.d), with the files compose mounts;
# infra/local-cluster.sh runs it after initdb. Against an existing database, run it once as a superuser
# (PGHOST/PGPORT/PGUSER/PGPASSWORD as for psql) with infra/env/db-sink.env infra/env/db-api.env; it is idempotent.
set -Eeuo pipefail

if [ "$#" -eq 0 ]; then
  set -- /run/guardian/db-sink.env /run/guardian/db-api.env
fi
database="${POSTGRES_DB:-${PGDATABASE:-guardian}}"
# in the postgres image the first (super)user is POSTGRES_USER; elsewhere psql's usual PGUSER
export PGUSER="${PGUSER:-${POSTGRES_USER:-postgres}}"

setting() { # file key: the value of key=value in an env file, without sourcing it
  sed -n "s/^$2=//p" "$1" | tail -1
}

for file in "$@"; do
  [ -r "$file" ] || { echo "init-roles: cannot read $file" >&2; exit 1; }
  role="$(setting "$file" SPRING_R2DBC_USERNAME)"
  password="$(setting "$file" SPRING_R2DBC_PASSWORD)"
  case "$role" in
    guardian_sink | guardian_api) ;;
    *) echo "init-roles: $file sets SPRING_R2DBC_USERNAME='$role'; expected guardian_sink or guardian_api" >&2; exit 1 ;;
  esac
  if [ -z "$password" ] || [ "$password" = CHANGE_ME ]; then
    echo "init-roles: $file has no password for $role; set SPRING_R2DBC_PASSWORD" >&2
    exit 1
  fi
  # psql variables quote the name and the password, which never appears on a command line
  psql -v ON_ERROR_STOP=1 -q -d "$database" -v role="$role" -v password="$password" <<'SQL'
SET log_statement = 'none'; -- the dev override logs every statement, and this one carries a password
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SQL
  echo "init-roles: $role can log in"
done
# PostgreSQL before 15 lets every role create tables in public
psql -v ON_ERROR_STOP=1 -q -d "$database" -c 'REVOKE CREATE ON SCHEMA public FROM PUBLIC'
