#!/usr/bin/env bash
# Static checks of everything under infra/ that needs no Docker engine. Installs what it needs (Debian, npm).
#   1. every compose file, alone and as the merged dev and prod sets: docker-compose config -q
#   2. nginx.conf: nginx -t on a copy wired to a throwaway certificate and 127.0.0.1 upstream
#   3. shell scripts: shellcheck
#   4. Dockerfiles: hadolint when it can be had, else the dockerfile-utils linter from npm
# Exits non-zero on the first failure.
set -euo pipefail

INFRA="$(cd "$(dirname "$0")" && pwd)"
cd "$INFRA"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

step() { printf '\n== %s\n' "$*"; }
apt_install() { # packages...: Debian packages, installed once
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------- 1. compose
step "compose files"
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  # Compose v1 from Debian: its config command needs no engine
  command -v docker-compose >/dev/null || apt_install docker-compose
  compose=(docker-compose)
fi
"${compose[@]}" version | sed -n 1p

# env files as an operator would write them from the templates
for f in env/*.env.example; do cp "$f" "$TMP/$(basename "$f" .example)"; done
export GUARDIAN_ENV_DIR="$TMP"

check_compose() { # label files...
  local label=$1; shift
  local args=()
  for f in "$@"; do args+=(-f "$f"); done
  "${compose[@]}" "${args[@]}" config -q
  printf '%-6s %-70s ok (%s services)\n' "$label" "$*" "$("${compose[@]}" "${args[@]}" config --services | wc -l)"
}
check_compose base docker-compose.yml
check_compose dev docker-compose.yml docker-compose.override.yml
check_compose prod docker-compose.yml docker-compose.prod.yml

# ---------------------------------------------------------------- 2. nginx
step "nginx.conf"
command -v nginx >/dev/null || apt_install nginx
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=guardian.test \
  -keyout "$TMP/tls.key" -out "$TMP/tls.crt" >/dev/null 2>&1
# only what the compose network provides changes: the replica DNS name and the certificate mount
sed -e "s#ingest-service:8080#127.0.0.1:8080#" -e "s#/etc/nginx/tls/#$TMP/#g" nginx/nginx.conf >"$TMP/nginx.conf"
nginx -t -q -p "$TMP" -c "$TMP/nginx.conf" -g "error_log $TMP/error.log;"
echo "nginx -t ok ($(nginx -v 2>&1))"

# ---------------------------------------------------------------- 3. shell
step "shell scripts"
command -v shellcheck >/dev/null || apt_install shellcheck
shellcheck -x guardian.sh local-cluster.sh validate.sh
shellcheck -s sh kafka/create-topics.sh
echo "shellcheck ok"

# ---------------------------------------------------------------- 4. Dockerfiles
step "Dockerfiles"
if command -v hadolint >/dev/null; then
  hadolint docker/*.Dockerfile
  echo "hadolint ok"
else
  echo "note: hadolint is not in Debian or npm (only as a prebuilt binary, which cannot be fetched here): skipped."
  echo "      Falling back to the dockerfile-utils linter (npm) for instruction and flag errors."
  if [ ! -x "$INFRA/.tools/node_modules/.bin/dockerfile-utils" ]; then
    npm install --silent --no-audit --no-fund --prefix "$INFRA/.tools" dockerfile-utils@0.16.3 >/dev/null
  fi
  for f in docker/*.Dockerfile; do
    "$INFRA/.tools/node_modules/.bin/dockerfile-utils" lint "$f"
    echo "$f ok"
  done
fi

printf '\ninfra validation passed\n'
