#!/usr/bin/env bash
# Manage the Docker Compose deployment (needs a Docker engine; without one use infra/local-cluster.sh).
#
#   infra/guardian.sh build              build the three service images (multi-stage, Maven inside)
#   infra/guardian.sh up [dev|prod]      start everything (dev: default; prod: nginx + replicas)
#   infra/guardian.sh health             readiness of every container (actuator via docker exec)
#   infra/guardian.sh logs [service]     follow logs
#   infra/guardian.sh elect-leaders      give each partition back to its preferred broker (after maintenance, at a
#                                        quiet moment: every moved leader stalls its clients for seconds)
#   infra/guardian.sh down               stop and remove containers, keep volumes
#   infra/guardian.sh clean              down + delete volumes (Kafka, PostgreSQL, models, state) and built images
set -euo pipefail

INFRA="$(cd "$(dirname "$0")" && pwd)"
ENV_DIR="${GUARDIAN_ENV_DIR:-$INFRA/env}"
MODE_FILE="$INFRA/.last-mode"
export GUARDIAN_ENV_DIR="$ENV_DIR"

die() { echo "guardian: $*" >&2; exit 1; }

mode() { # the mode given, else the one of the last `up`, else dev
  local m="${1:-}"
  [ -n "$m" ] || m="$(cat "$MODE_FILE" 2>/dev/null || echo dev)"
  case "$m" in dev|prod) echo "$m" ;; *) die "mode must be dev or prod, not '$m'" ;; esac
}

compose() { # mode args...
  local m=$1; shift
  local files=(-f "$INFRA/docker-compose.yml")
  if [ "$m" = prod ]; then files+=(-f "$INFRA/docker-compose.prod.yml"); else files+=(-f "$INFRA/docker-compose.override.yml"); fi
  if docker compose version >/dev/null 2>&1; then
    docker compose -p guardian "${files[@]}" "$@"
  elif command -v docker-compose >/dev/null; then
    # v1 applies deploy.replicas/limits only in compatibility mode
    docker-compose --compatibility -p guardian "${files[@]}" "$@"
  else
    die "neither 'docker compose' nor 'docker-compose' is installed"
  fi
}

require_engine() {
  docker info >/dev/null 2>&1 || die "no Docker engine reachable; run the same topology as processes: infra/local-cluster.sh start"
}

random_secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# dev: create missing env files with random secrets; prod: insist the operator wrote them
ensure_env() {
  local m=$1 name
  mkdir -p "$ENV_DIR"
  for name in db db-sink db-api ingest grafana transcriber moderation; do
    local file="$ENV_DIR/$name.env"
    if [ ! -f "$file" ]; then
      [ "$m" = dev ] || die "$file missing: copy $INFRA/env/$name.env.example there and fill in real secrets"
      if [ "$name" = db ]; then
        # the owner's two password lines must be equal
        local secret; secret="$(random_secret)"
        sed "s/CHANGE_ME/$secret/" "$INFRA/env/$name.env.example" >"$file"
      else
        # one secret per line: an API key must not double as a Kafka password
        local line
        while IFS= read -r line; do
          printf '%s\n' "${line//CHANGE_ME/$(random_secret)}"
        done <"$INFRA/env/$name.env.example" >"$file"
      fi
      chmod 600 "$file"
      echo "guardian: wrote $file with random secrets (dev only)"
    fi
    grep -q CHANGE_ME "$file" && die "$file still contains CHANGE_ME"
  done
  ensure_kafka_secrets "$m"
  if [ "$m" = prod ]; then
    local tls="${GUARDIAN_TLS_DIR:-$INFRA/nginx/tls}"
    if [ ! -f "$tls/tls.crt" ] || [ ! -f "$tls/tls.key" ]; then die "TLS certificate missing: $tls/tls.crt and $tls/tls.key (see infra/README.md)"; fi
  fi
  return 0
}

# Kafka's TLS material (infra/kafka/make-certs.sh) and the files derived from it and from the services' logins
ensure_kafka_secrets() {
  local m=$1 certs="${GUARDIAN_KAFKA_SECRETS_DIR:-$INFRA/kafka/secrets}"
  if [ ! -f "$certs/broker.p12" ] || [ ! -f "$certs/ca.crt" ]; then
    [ "$m" = dev ] || die "Kafka certificates missing in $certs: run infra/kafka/make-certs.sh $certs (see infra/README.md)"
    "$INFRA/kafka/make-certs.sh" "$certs"
  fi
  if [ ! -f "$ENV_DIR/kafka.env" ]; then
    [ "$m" = dev ] || die "$ENV_DIR/kafka.env missing: copy $INFRA/env/kafka.env.example, value from $certs/store-password"
    (umask 077; echo "KAFKA_SSL_KEYSTORE_PASSWORD=$(cat "$certs/store-password")" >"$ENV_DIR/kafka.env")
    echo "guardian: wrote $ENV_DIR/kafka.env (dev only)"
  fi
  if [ ! -f "$ENV_DIR/kafka-init.env" ]; then
    [ "$m" = dev ] || die "$ENV_DIR/kafka-init.env missing: copy $INFRA/env/kafka-init.env.example and fill in the services' passwords"
    local p
    {
      echo "GUARDIAN_KAFKA_ADMIN_PASSWORD=$(random_secret)"
      for p in ingest transcriber moderation; do
        # the password of the service's own login, so the two files agree
        echo "GUARDIAN_KAFKA_${p^^}_PASSWORD=$(sed -n 's/^SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG=.* password="\([^"]*\)".*/\1/p' "$ENV_DIR/$p.env")"
      done
    } >"$ENV_DIR/kafka-init.env"
    chmod 600 "$ENV_DIR/kafka-init.env"
    echo "guardian: wrote $ENV_DIR/kafka-init.env from the services' Kafka logins (dev only)"
  fi
  grep -q '_PASSWORD=$' "$ENV_DIR/kafka-init.env" && die "$ENV_DIR/kafka-init.env has an empty password"
  grep -q CHANGE_ME "$ENV_DIR/kafka.env" "$ENV_DIR/kafka-init.env" && die "kafka.env or kafka-init.env still contains CHANGE_ME"
  return 0
}

port_of() {
  case "$1" in
    ingest-service) echo 8080 ;;
    transcriber-stream) echo 8081 ;;
    moderation-stream) echo 8082 ;;
  esac
}

cmd_health() {
  local m; m="$(mode "${1:-}")"
  local failed=0 svc id name status
  for svc in kafka-1 kafka-2 kafka-3 postgres prometheus grafana nginx; do
    for id in $(compose "$m" ps -q "$svc" 2>/dev/null); do
      status="$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")"
      printf '%-32s %s\n' "$(docker inspect --format '{{.Name}}' "$id" | tr -d /)" "$status"
      [ "$status" = healthy ] || failed=1
    done
  done
  for svc in ingest-service transcriber-stream moderation-stream; do
    for id in $(compose "$m" ps -q "$svc"); do
      name="$(docker inspect --format '{{.Name}}' "$id" | tr -d /)"
      # actuator from inside the container: works for every replica, published port or not
      if status="$(docker exec "$id" curl -fsS "http://127.0.0.1:$(port_of "$svc")/actuator/health/readiness" 2>&1)"; then
        printf '%-32s ready   %s\n' "$name" "$status"
      else
        printf '%-32s NOT READY %s\n' "$name" "$status"
        failed=1
      fi
    done
  done
  return $failed
}

verb="${1:-}"; shift || true
case "$verb" in
  build)
    require_engine
    compose dev build "$@"
    ;;
  up)
    require_engine
    m="$(mode "${1:-dev}")"
    ensure_env "$m"
    echo "$m" >"$MODE_FILE"
    compose "$m" up -d --build
    echo "guardian: waiting for readiness (Ctrl-C is safe; check again with: infra/guardian.sh health)"
    for _ in $(seq 1 60); do cmd_health "$m" >/dev/null 2>&1 && break; sleep 5; done
    cmd_health "$m"
    if [ "$m" = dev ]; then
      echo "guardian: Prometheus http://localhost:9090, Grafana http://localhost:3000 (admin password in $ENV_DIR/grafana.env)"
    else
      echo "guardian: Grafana on the host's 127.0.0.1:3000 (ssh -L 3000:127.0.0.1:3000 this-host), admin login in $ENV_DIR/grafana.env"
    fi
    ;;
  down)
    require_engine
    compose "$(mode "${1:-}")" down --remove-orphans
    ;;
  health)
    require_engine
    cmd_health "${1:-}"
    ;;
  logs)
    require_engine
    compose "$(mode "")" logs -f --tail=200 "$@"
    ;;
  elect-leaders)
    require_engine
    # in a kafka-init container: its scripts, certificate and env, logged in as the broker (as kafka-init is)
    compose "$(mode "")" run --rm --no-deps --entrypoint /bin/sh kafka-init /etc/guardian/elect-leaders.sh \
      kafka-1:19093,kafka-2:19093,kafka-3:19093
    ;;
  clean)
    require_engine
    compose "$(mode "${1:-}")" down --volumes --remove-orphans --rmi local
    rm -f "$MODE_FILE"
    ;;
  *)
    sed -n '2,11p' "$0" >&2
    exit 2
    ;;
esac
