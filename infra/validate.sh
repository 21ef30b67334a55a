#!/usr/bin/env bash
# Static checks of everything under infra/ that needs no Docker engine. Installs what it needs (Debian, npm).
#   1. every compose file, alone and as the merged dev and prod sets: docker-compose config -q
#   2. nginx.conf: nginx -t on a copy wired to a throwaway certificate and 127.0.0.1 upstream
#   3. shell scripts: shellcheck
#   4. Dockerfiles: hadolint when it can be had, else the dockerfile-utils linter from npm
#   5. Prometheus and Grafana: promtool check config / check rules / test rules (Debian package prometheus; a YAML
#      parse only when it cannot be installed), every dashboard query parsed by promtool, every guardian_* metric
#      named in dashboards and rules defined in the Java sources, dashboard JSON (jq): each panel has the
#      provisioned data source and a query
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
  # another apt-get (a parallel job) may hold the lock for a while
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
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
shellcheck -x guardian.sh local-cluster.sh local-prometheus.sh validate.sh
shellcheck -s sh kafka/create-topics.sh kafka/apply-acls.sh kafka/init.sh kafka/broker-login.sh kafka/elect-leaders.sh
shellcheck kafka/make-certs.sh
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

# ---------------------------------------------------------------- 5. Prometheus and Grafana
step "Prometheus config, rules and Grafana dashboards"
command -v jq >/dev/null || apt_install jq
command -v promtool >/dev/null || apt_install prometheus || true
if command -v promtool >/dev/null; then
  promtool --version 2>&1 | sed -n 1p
  promtool check config prometheus/prometheus.yml   # also checks the rule files it names
  promtool test rules prometheus/alerts.test.yml    # each alert fires on its incident, stays quiet otherwise
else
  echo "note: promtool (Debian package prometheus) could not be installed: YAML parse only, PromQL not checked"
  python3 -c 'import sys, yaml; [yaml.safe_load(open(f)) for f in sys.argv[1:]]' \
    prometheus/prometheus.yml prometheus/alerts.yml prometheus/alerts.test.yml
fi
python3 -c 'import sys, yaml; [yaml.safe_load(open(f)) for f in sys.argv[1:]]' grafana/provisioning/*/*.yml
DATASOURCE_UID=prometheus
grep -q "uid: $DATASOURCE_UID\$" grafana/provisioning/datasources/prometheus.yml
for f in grafana/dashboards/*.json; do
  jq empty "$f"
  # every panel but rows: the provisioned data source, at least one target, an expression in every target
  bad=$(jq -r --arg uid "$DATASOURCE_UID" '[.panels[] | select(.type != "row")
      | select(.datasource.uid != $uid or (.targets | length) == 0
               or any(.targets[]; (.expr // "") == "" or .datasource.uid != $uid))
      | .title] | join(", ")' "$f")
  [ -z "$bad" ] || { echo "$f: panels without the $DATASOURCE_UID data source or a query: $bad"; exit 1; }
  dup=$(jq -r '[.panels[].id] | group_by(.) | map(select(length > 1) | .[0]) | join(", ")' "$f")
  [ -z "$dup" ] || { echo "$f: duplicate panel ids: $dup"; exit 1; }
  jq -e '.uid and .title' "$f" >/dev/null || { echo "$f: no uid or title"; exit 1; }
  printf '%-45s ok (%s panels, %s queries)\n' "$f" "$(jq '[.panels[] | select(.type != "row")] | length' "$f")" \
    "$(jq '[.panels[].targets[]?] | length' "$f")"
done
if command -v promtool >/dev/null; then
  # every dashboard query is valid PromQL: as recording rules, Grafana's variables replaced by plain values
  # shellcheck disable=SC2016 # the $ are Grafana's, not the shell's
  jq -r '.panels[].targets[]?.expr' grafana/dashboards/*.json \
    | sed -e 's/\$__rate_interval/1m/g' -e 's/\$[a-z_]*/.*/g' \
    | jq -R -s '{groups: [{name: "dashboards", rules: [split("\n") | map(select(length > 0)) | to_entries[]
                 | {record: "dashboard:query_\(.key)", expr: .value}]}]}' >"$TMP/dashboard-queries.json"
  promtool check rules "$TMP/dashboard-queries.json" >/dev/null
  echo "dashboard queries: $(jq '.groups[0].rules | length' "$TMP/dashboard-queries.json") parsed by promtool"
fi
# every guardian_* metric is one the services register: Micrometer name = Prometheus name without unit and type suffixes
missing=()
while read -r metric; do
  meter=$(sed -E -e 's/_(total|bucket|count|sum|max)$//' -e 's/_(seconds|bytes)$//' <<<"$metric" | tr _ .)
  grep -rqF --include='*.java' "\"$meter\"" ../*/src/main/java || missing+=("$metric ($meter)")
done < <(grep -ohE '\bguardian_[a-z_]+' grafana/dashboards/*.json prometheus/alerts.yml | sort -u)
[ ${#missing[@]} -eq 0 ] || { printf 'metric not registered by any service: %s\n' "${missing[@]}"; exit 1; }
echo "guardian_* metrics in dashboards and rules: all registered in the services' sources"

printf '\ninfra validation passed\n'
