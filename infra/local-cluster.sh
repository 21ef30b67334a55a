#!/usr/bin/env bash
# The compose topology as local processes on 127.0.0.1, for machines without a Docker engine:
# three KRaft brokers (combined broker+controller), PostgreSQL, N ingest replicas, N transcribers, N moderation instances.
#
#   infra/local-cluster.sh start [--transcribers N] [--ingest N] [--moderation N] [--no-services] [--secure]
#   infra/local-cluster.sh status | smoke | stop
#   infra/local-cluster.sh kill NAME | restart NAME | pause NAME [SECONDS] | resume NAME   (fault injection)
#   infra/local-cluster.sh add transcriber|ingest|moderation | stop-one NAME                 (scaling out and in)
#   infra/local-cluster.sh elect-leaders    each partition back to its preferred broker (automatic rebalancing is off)
#
# NAME is a process as `status` lists it: kafka-1..3, postgres, moderation-1..N, transcriber-1..N, ingest-1..N
# (ingest-service and moderation-stream still name ingest-1 and moderation-1).
# Everything lives under $GUARDIAN_LOCAL_WORK (default infra/local-cluster/work); `stop`, `kill` and `pause` signal
# exactly the PIDs that `start` and `restart` recorded there. Ports: brokers 29092-29094 (controllers 29192-29194), PostgreSQL 25432,
# replica i of ingest on 8080+100*(i-1), of transcriber on 8081+100*(i-1), of moderation on 8082+100*(i-1)
# (ingest 8080, 8180, ...; transcribers 8081, 8181, ...; moderation 8082, 8182, ...); each base can be moved:
# GUARDIAN_KAFKA_PORT_BASE, GUARDIAN_PG_PORT, GUARDIAN_INGEST_PORT, GUARDIAN_MODERATION_PORT, GUARDIAN_TRANSCRIBER_PORT.
# --secure: Kafka as in the compose files (SASL_SSL + SCRAM-SHA-512 for clients, mutual TLS between brokers on
# base+200.., ACLs from infra/kafka/acls.conf); each service logs in as its own principal ("Kafka security" below).
# GUARDIAN_TRANSCRIBER_CPUS (e.g. 1 or 0-1) runs each transcriber under `taskset -c` (the benchmark's --cluster mode).
# GUARDIAN_TRANSCRIBER_JAVA_OPTS replaces the transcribers' JVM flags (default -XX:+UseParallelGC, as in its image).
# `add KIND` starts one more replica (the lowest free number, or one that stop-one stopped) as `start` would and
# prints its name; `stop-one NAME` stops one replica gracefully (SIGTERM) and keeps it recorded as stopped, so
# `status` shows it, `stop` skips it and `restart NAME` brings it back.
set -Eeuo pipefail

INFRA="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$INFRA")"
WORK="${GUARDIAN_LOCAL_WORK:-$INFRA/local-cluster/work}"
LIB="$INFRA/local-cluster/target/lib"
PIDS="$WORK/pids"
# the ports (and transcriber settings) `start` used, so `restart` and `add` start a process on its own port and as
# `start` did, whatever this shell's environment says
PORTS="$WORK/ports.env"
# shellcheck source=/dev/null
[ "${1:-}" != start ] && [ -f "$PORTS" ] && [ -s "$PIDS" ] && . "$PORTS"
KAFKA_PORT_BASE="${GUARDIAN_KAFKA_PORT_BASE:-29092}"
CONTROLLER_PORT_BASE=$((KAFKA_PORT_BASE + 100))
PG_PORT="${GUARDIAN_PG_PORT:-25432}"
INGEST_PORT="${GUARDIAN_INGEST_PORT:-8080}"
MODERATION_PORT="${GUARDIAN_MODERATION_PORT:-8082}"
TRANSCRIBER_PORT_BASE="${GUARDIAN_TRANSCRIBER_PORT:-8081}"
BROKERS=3
BOOTSTRAP="127.0.0.1:$KAFKA_PORT_BASE,127.0.0.1:$((KAFKA_PORT_BASE + 1)),127.0.0.1:$((KAFKA_PORT_BASE + 2))"
VERSION=0.1.0-SNAPSHOT

log() { printf '[local-cluster] %s\n' "$*" >&2; }
STARTING=0
die() {
  log "ERROR: $*"
  # a failed start leaves nothing running
  if [ "$STARTING" = 1 ]; then STARTING=0; log "start failed; stopping what was started"; cmd_stop; fi
  exit 1
}

random_secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

transcriber_port() { echo $((TRANSCRIBER_PORT_BASE + 100 * ($1 - 1))); }
ingest_port() { echo $((INGEST_PORT + 100 * ($1 - 1))); }
moderation_port() { echo $((MODERATION_PORT + 100 * ($1 - 1))); }

# Kafka broker + tools jars, fetched once from Maven Central by the throwaway pom next to this script.
fetch_kafka_jars() {
  if [ ! -f "$LIB/kafka_2.13-4.1.2.jar" ] || [ ! -f "$LIB/kafka-tools-4.1.2.jar" ]; then
    log "fetching Kafka 4.1.2 jars into $LIB"
    "$ROOT/mvnw" -B -q -f "$INFRA/local-cluster/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory=target/lib -DincludeScope=runtime
  fi
}

kafka_java() { # class args...  (tools and broker share one classpath)
  java -Xms64m -Xmx256m -Dlog4j2.configurationFile="$INFRA/local-cluster/tools-log4j2.properties" -cp "$LIB/*" "$@"
}

record_pid() { # name pid [port [stopped]]: a restarted process keeps its line, so `stop` keeps the start order
  local line="$1 $2 ${3:-}${4:+ $4}"
  if grep -q "^$1 " "$PIDS" 2>/dev/null; then
    awk -v name="$1" -v line="$line" '$1 == name { print line; next } { print }' "$PIDS" >"$PIDS.new"
    mv "$PIDS.new" "$PIDS"
  else
    echo "$line" >>"$PIDS"
  fi
}

recorded() { # name: "pid port" as recorded, or nothing
  awk -v name="$1" '$1 == name { print $2, $3 }' "$PIDS" 2>/dev/null
}

stopped() { # name: true when stop-one stopped it (its line ends in "stopped")
  awk -v name="$1" '$1 == name && $4 == "stopped" { found = 1 } END { exit !found }' "$PIDS" 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_until() { # seconds description command...
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out waiting for $what"
    sleep 1
  done
}

# ---------------------------------------------------------------- Kafka
broker_properties() { # id
  local id=$1 voters="" n
  for n in $(seq 1 $BROKERS); do voters+="${voters:+,}$n@127.0.0.1:$((CONTROLLER_PORT_BASE + n - 1))"; done
  cat <<EOF
# generated by local-cluster.sh; same settings as the kafka-N services in docker-compose.yml
node.id=$id
process.roles=broker,controller
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$((KAFKA_PORT_BASE + id - 1)),CONTROLLER://127.0.0.1:$((CONTROLLER_PORT_BASE + id - 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$((KAFKA_PORT_BASE + id - 1))
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$WORK/kafka-$id/data
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
# a crashed producer's open transaction is aborted within 1 s of its timeout (default: checked every 10 s), so it
# holds back read_committed readers for about transaction.timeout.ms (5 s in the services, GroupFailover)
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
# a killed broker is fenced, and its partitions get new leaders, after 6 s without a heartbeat instead of 9 s
broker.session.timeout.ms=6000
broker.heartbeat.interval.ms=1500
# no automatic preferred-leader election: moving ~70 leaders at once stalled live calls 2.8 s (docs/reliability.md);
# after a broker returns, run elect-leaders at a quiet moment
auto.leader.rebalance.enable=false
# a produce that finds its transaction still committing the last one is retried by the broker after 5 ms, not 20:
# a transaction over 3 brokers' partitions was seen ~24 ms later with 20 (docs/benchmarks.md, session 20)
add.partitions.to.txn.retry.backoff.ms=5
EOF
}

start_kafka() {
  fetch_kafka_jars
  local cluster_id id
  if [ -f "$WORK/cluster-id" ]; then
    cluster_id=$(cat "$WORK/cluster-id")
  else
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid | tail -1)
    echo "$cluster_id" >"$WORK/cluster-id"
  fi
  for id in $(seq 1 $BROKERS); do
    mkdir -p "$WORK/kafka-$id"
    broker_properties "$id" >"$WORK/kafka-$id/server.properties"
    if secure; then secure_broker_properties "$id" >>"$WORK/kafka-$id/server.properties"; fi
    if [ ! -f "$WORK/kafka-$id/data/meta.properties" ]; then
      # shellcheck disable=SC2046 # one --add-scram argument per word
      kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$WORK/kafka-$id/server.properties" \
        $(secure_format_args) >"$WORK/kafka-$id/format.log" 2>&1 || die "format of broker $id failed: $WORK/kafka-$id/format.log"
    fi
    launch_broker "$id"
  done
  for id in $(seq 1 $BROKERS); do wait_until 300 "broker $id port" port_open $((KAFKA_PORT_BASE + id - 1)); done
  log "creating topics from infra/kafka/topics.conf (retried until all three brokers registered)"
  wait_until 120 "topic creation (see $WORK/topics.log)" create_topics
  if secure; then secure_apply_acls; fi
}

launch_broker() { # id: the broker process of a formatted node; its log is appended to across restarts
  local id=$1 port=$((KAFKA_PORT_BASE + $1 - 1))
  port_open "$port" && die "port $port is already taken"
  setsid java -Xms256m -Xmx512m -Dguardian.local="kafka-$id" \
    -Dlog4j2.configurationFile="$INFRA/local-cluster/log4j2.properties" -cp "$LIB/*" \
    kafka.Kafka "$WORK/kafka-$id/server.properties" >>"$WORK/kafka-$id/broker.log" 2>&1 </dev/null &
  record_pid "kafka-$id" $! "$port"
  log "kafka-$id: pid $!, 127.0.0.1:$port, log $WORK/kafka-$id/broker.log"
}

# shellcheck disable=SC2046 # secure_tool_args: --command-config FILE, or nothing
create_topics() {
  "$INFRA/kafka/create-topics.sh" "$INFRA/kafka/topics.conf" \
    java -Xmx256m -Dlog4j2.configurationFile="$INFRA/local-cluster/tools-log4j2.properties" -cp "$LIB/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" $(secure_tool_args) >>"$WORK/topics.log" 2>&1
}

# ---------------------------------------------------------------- PostgreSQL
pg_bin() { find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1; }

as_pg() { # postgres refuses to run as root: drop to the postgres user when we are root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local bin; bin=$(pg_bin)
  [ -n "$bin" ] || die "no PostgreSQL server found under /usr/lib/postgresql (apt-get install -y postgresql)"
  local dir="$WORK/pg"
  mkdir -p "$dir/run"
  if [ ! -f "$dir/password" ]; then
    random_secret >"$dir/password"
  fi
  [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$dir/data" -U guardian --pwfile="$dir/password" -A scram-sha-256 -E UTF8 --locale=C \
      >"$dir/initdb.log" 2>&1 || die "initdb failed: $dir/initdb.log"
    # the same tuning as the compose PostgreSQL (one file for both)
    echo "include '$INFRA/postgres/guardian.conf'" >>"$dir/data/postgresql.conf"
  fi
  launch_postgres
  if ! PGPASSWORD=$(cat "$dir/password") "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U guardian -d postgres -tAc \
      "select 1 from pg_database where datname='guardian'" | grep -q 1; then
    PGPASSWORD=$(cat "$dir/password") "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U guardian guardian
  fi
  # the services' own roles, as compose makes them: guardian_sink (moderation) and guardian_api (ingest)
  local role
  for role in sink api; do
    [ -f "$dir/db-$role.env" ] || printf 'SPRING_R2DBC_USERNAME=guardian_%s\nSPRING_R2DBC_PASSWORD=%s\n' \
      "$role" "$(random_secret)" >"$dir/db-$role.env"
  done
  PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=guardian PGPASSWORD=$(cat "$dir/password") PATH="$bin:$PATH" \
    "$INFRA/postgres/init-roles.sh" "$dir/db-sink.env" "$dir/db-api.env" >>"$dir/initdb.log" 2>&1 \
    || die "creating the service roles failed: $dir/initdb.log"
  log "postgres: 127.0.0.1:$PG_PORT db guardian, owner guardian (password in $dir/password), roles in $dir/db-*.env"
}

role_password() { sed -n 's/^SPRING_R2DBC_PASSWORD=//p' "$WORK/pg/db-$1.env"; } # sink | api

launch_postgres() { # pg_ctl -w returns once the server accepts connections (after crash recovery, if any)
  local dir="$WORK/pg"
  port_open "$PG_PORT" && die "port $PG_PORT is already taken"
  as_pg "$(pg_bin)/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$dir/run" >/dev/null \
    || die "PostgreSQL did not start: $dir/postgres.log"
  record_pid postgres "$(head -1 "$dir/data/postmaster.pid")" "$PG_PORT"
}

# ---------------------------------------------------------------- services
exec_jar() { echo "$ROOT/$1/target/$1-$VERSION-exec.jar"; }

# run a copy, so a rebuild in target/ cannot pull the jar from under a running JVM
jar_copy() {
  mkdir -p "$WORK/jars"
  cp "$(exec_jar "$1")" "$WORK/jars/$1.jar"
  echo "$WORK/jars/$1.jar"
}

start_service() { # name port jar heap env...
  local name=$1 port=$2 jar=$3 heap=$4; shift 4
  port_open "$port" && die "port $port is already taken"
  mkdir -p "$WORK/$name"
  local security=()
  if secure; then mapfile -t security < <(secure_service_env "$name"); fi
  local pin=() # GUARDIAN_TRANSCRIBER_CPUS pins each transcriber to those CPUs, to set its rate against raw Vosk on as many
  case "$name" in transcriber-*) [ -z "${GUARDIAN_TRANSCRIBER_CPUS:-}" ] || pin=(taskset -c "$GUARDIAN_TRANSCRIBER_CPUS") ;; esac
  [ -z "${START_NICE:-}" ] || pin=(nice -n "$START_NICE" ${pin[@]+"${pin[@]}"}) # set by bring_up (add, restart)
  env SERVER_ADDRESS=127.0.0.1 SERVER_PORT="$port" SPRING_KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" ${security[@]+"${security[@]}"} "$@" \
    setsid ${pin[@]+"${pin[@]}"} java -Xmx"$heap" -Dguardian.local="$name" -jar "$jar" >>"$WORK/$name/service.log" 2>&1 </dev/null &
  record_pid "$name" $! "$port"
  log "$name: pid $!, http://127.0.0.1:$port, log $WORK/$name/service.log"
}

ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/actuator/health/readiness"; }

# one function starts each service, for `start` and `restart` alike: the jar copy in $WORK/jars, the same settings
launch_moderation() { # i: its own port and state directory (Kafka Streams keeps its process id there)
  local pw; pw=$(cat "$WORK/pg/password")
  start_service "moderation-$1" "$(moderation_port "$1")" "$WORK/jars/moderation-stream.jar" 512m \
    SPRING_R2DBC_URL="r2dbc:postgresql://127.0.0.1:$PG_PORT/guardian" SPRING_R2DBC_USERNAME=guardian_sink \
    SPRING_R2DBC_PASSWORD="$(role_password sink)" SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/guardian" \
    SPRING_DATASOURCE_USERNAME=guardian SPRING_DATASOURCE_PASSWORD="$pw" \
    GUARDIAN_MODERATION_STATE_DIR="$WORK/moderation-$1/state"
}

# jemalloc as in the transcriber image (Debian/Ubuntu package libjemalloc2): ~92 MB per live channel against ~167 with
# glibc's malloc (docs/benchmarks.md, "Issue 17, session 10"); glibc's malloc without it. The transcriber switches
# jemalloc's background threads on itself (Allocator).
JEMALLOC_CONF="dirty_decay_ms:1000,muzzy_decay_ms:0"
transcriber_allocator() {
  local lib
  lib=$(find /usr/lib -maxdepth 2 -name libjemalloc.so.2 2>/dev/null | head -n 1)
  if [ -n "$lib" ]; then
    echo "LD_PRELOAD=$lib"
    echo "MALLOC_CONF=$JEMALLOC_CONF"
  else
    echo "MALLOC_ARENA_MAX=2" # fewer glibc arenas for Vosk's freed graphs to fragment
  fi
}

launch_transcriber() { # i: its own port, hence its own default instance id <host>-<port>, stable across restarts
  local allocator
  mapfile -t allocator < <(transcriber_allocator)
  [ "${allocator[0]%%=*}" = LD_PRELOAD ] || log "transcriber-$1: libjemalloc2 is not installed; glibc's malloc keeps more memory per channel (apt-get install libjemalloc2)"
  # ParallelGC as in the transcriber image: more decoding per core than G1 (docs/benchmarks.md)
  start_service "transcriber-$1" "$(transcriber_port "$1")" "$WORK/jars/transcriber-stream.jar" 1g "${allocator[@]}" \
    JAVA_TOOL_OPTIONS="${GUARDIAN_TRANSCRIBER_JAVA_OPTS:--XX:+UseParallelGC}" \
    ${GUARDIAN_TRANSCRIBER_MODELS_VI:+GUARDIAN_TRANSCRIBER_MODELS_VI=$GUARDIAN_TRANSCRIBER_MODELS_VI}
}

launch_ingest() { # i
  # the packaged config has a tenant "local" with a well-known dev key: replace it with an unrecorded random one
  start_service "ingest-$1" "$(ingest_port "$1")" "$WORK/jars/ingest-service.jar" 512m \
    SPRING_R2DBC_URL="r2dbc:postgresql://127.0.0.1:$PG_PORT/guardian" SPRING_R2DBC_USERNAME=guardian_api \
    SPRING_R2DBC_PASSWORD="$(role_password api)" \
    GUARDIAN_INGEST_TENANTS_DEMO_API_KEYS="$(cat "$WORK/api-key")" \
    GUARDIAN_INGEST_TENANTS_LOCAL_API_KEYS="$(random_secret)"
}

start_services() { # transcribers ingest moderation: replicas of each
  local transcribers=$1 ingests=$2 moderations=$3 i started=()
  [ -f "$WORK/api-key" ] || random_secret >"$WORK/api-key"
  # each service whose exec jar exists (build: ./mvnw -B -DskipTests package); missing ones are skipped with a note
  if have_jar moderation-stream; then
    jar_copy moderation-stream >/dev/null
    for i in $(seq 1 "$moderations"); do
      launch_moderation "$i"
      started+=("moderation-$i")
    done
  fi
  if have_jar transcriber-stream; then
    jar_copy transcriber-stream >/dev/null
    for i in $(seq 1 "$transcribers"); do
      launch_transcriber "$i"
      started+=("transcriber-$i")
    done
  fi
  if have_jar ingest-service; then
    jar_copy ingest-service >/dev/null
    for i in $(seq 1 "$ingests"); do
      launch_ingest "$i"
      started+=("ingest-$i")
    done
  fi
  local s
  for s in "${started[@]}"; do wait_healthy "$s"; done
  [ -f "$WORK/ingest-1/service.log" ] && log "tenant 'demo' API key: $WORK/api-key"
  return 0
}

have_jar() {
  [ -f "$(exec_jar "$1")" ] && return 0
  log "$1 skipped: $(exec_jar "$1") missing (build: ./mvnw -B -DskipTests package)"
  return 1
}

# ---------------------------------------------------------------- Kafka security (start --secure)
# Kept apart from the rest: certificates, SCRAM users, ACLs and each service's login. The choice is recorded in
# $WORK, so restart and smoke of a secure cluster stay secure.
SECURITY="$WORK/kafka-security"
PRINCIPALS="admin ingest transcriber moderation"

secure() { [ -f "$SECURITY/enabled" ]; }

secure_init() { # certificates (infra/kafka/make-certs.sh, keytool) and one random SCRAM password per principal
  mkdir -p "$SECURITY"
  "$INFRA/kafka/make-certs.sh" "$SECURITY/certs" localhost >"$SECURITY/make-certs.log" 2>&1 \
    || die "certificates: $SECURITY/make-certs.log"
  local p
  for p in $PRINCIPALS; do [ -f "$SECURITY/$p.password" ] || (umask 077; random_secret >"$SECURITY/$p.password"); done
  # the tools' login (topics, ACLs, smoke): a file, as the kafka tools' --command-config expects
  (umask 077; secure_client_properties admin >"$SECURITY/admin.properties")
  touch "$SECURITY/enabled"
  log "kafka security: SASL_SSL + SCRAM-SHA-512, principals $PRINCIPALS (passwords in $SECURITY/*.password)"
}

secure_client_properties() { # principal
  cat <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$1" password="$(cat "$SECURITY/$1.password")";
ssl.truststore.type=PEM
ssl.truststore.location=$SECURITY/certs/ca.crt
EOF
}

secure_broker_properties() { # id: appended to broker_properties; later keys win, so these replace its listeners
  local id=$1
  cat <<EOF
# --secure (local-cluster.sh secure_broker_properties): the compose brokers' security settings
listeners=CLIENT://127.0.0.1:$((KAFKA_PORT_BASE + id - 1)),REPLICATION://127.0.0.1:$((KAFKA_PORT_BASE + 200 + id - 1)),CONTROLLER://127.0.0.1:$((CONTROLLER_PORT_BASE + id - 1))
advertised.listeners=CLIENT://127.0.0.1:$((KAFKA_PORT_BASE + id - 1)),REPLICATION://127.0.0.1:$((KAFKA_PORT_BASE + 200 + id - 1))
listener.security.protocol.map=CLIENT:SASL_SSL,REPLICATION:SSL,CONTROLLER:SSL
inter.broker.listener.name=REPLICATION
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.replication.ssl.client.auth=required
listener.name.controller.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN.([^,]+),.*\$/\$1/,DEFAULT
ssl.keystore.type=PKCS12
ssl.keystore.location=$SECURITY/certs/broker.p12
ssl.keystore.password=$(cat "$SECURITY/certs/store-password")
ssl.truststore.type=PEM
ssl.truststore.location=$SECURITY/certs/ca.crt
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:kafka-broker;User:admin
allow.everyone.if.no.acl.found=false
EOF
}

secure_format_args() { # the SCRAM users, bootstrapped into the metadata when a node is formatted
  secure || return 0
  local p
  for p in $PRINCIPALS; do printf -- '--add-scram SCRAM-SHA-512=[name=%s,password=%s] ' "$p" "$(cat "$SECURITY/$p.password")"; done
}

secure_tool_args() { # [producer|consumer]: the admin login for a Kafka tool
  secure || return 0
  case "${1:-}" in
    producer) echo "--producer.config $SECURITY/admin.properties" ;;
    consumer) echo "--consumer.config $SECURITY/admin.properties" ;;
    *) echo "--command-config $SECURITY/admin.properties" ;;
  esac
}

secure_apply_acls() {
  log "applying the ACLs of infra/kafka/acls.conf (log: $WORK/acls.log)"
  "$INFRA/kafka/apply-acls.sh" "$INFRA/kafka/acls.conf" \
    java -Xmx256m -Dlog4j2.configurationFile="$INFRA/local-cluster/tools-log4j2.properties" -cp "$LIB/*" \
    org.apache.kafka.tools.AclCommand --bootstrap-server "$BOOTSTRAP" --command-config "$SECURITY/admin.properties" \
    >>"$WORK/acls.log" 2>&1 || die "ACLs not applied: $WORK/acls.log"
}

secure_service_env() { # name: the service's own principal, one VAR=value per line (start_service passes them to env)
  local principal
  case "$1" in
    ingest*) principal=ingest ;;
    transcriber*) principal=transcriber ;;
    moderation*) principal=moderation ;;
    *) die "no Kafka principal for $1" ;;
  esac
  echo "SPRING_KAFKA_SECURITY_PROTOCOL=SASL_SSL"
  echo "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM=SCRAM-SHA-512"
  echo "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$principal\" password=\"$(cat "$SECURITY/$principal.password")\";"
  echo "SPRING_KAFKA_SSL_TRUST_STORE_TYPE=PEM"
  echo "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION=file:$SECURITY/certs/ca.crt"
}

secure_smoke() { # the transcriber's principal must not write verdicts; a wrong password must not get in
  local props="$SECURITY/smoke.properties" out
  (umask 077; secure_client_properties transcriber >"$props")
  out=$(echo fake | kafka_java org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$BOOTSTRAP" \
    --topic guardian.verdicts --producer.config "$props" --producer-property max.block.ms=15000 2>&1 || true)
  grep -Eq 'TopicAuthorizationException|Not authorized to access topics' <<<"$out" || { rm -f "$props"; die "smoke: the transcriber could write guardian.verdicts: $out"; }
  log "smoke ok: User:transcriber may not write guardian.verdicts (TopicAuthorizationException)"
  sed -i 's/password="[^"]*"/password="wrong"/' "$props"
  out=$(kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --command-config "$props" \
    --list 2>&1 || true)
  rm -f "$props"
  grep -Eq 'SaslAuthenticationException|Authentication failed' <<<"$out" || die "smoke: a wrong password was not refused: $out"
  log "smoke ok: a wrong password is refused (SaslAuthenticationException)"
}

# ---------------------------------------------------------------- verbs
alive() { # name pid: true when pid still runs the process we started
  local name=$1 pid=$2
  [ -r "/proc/$pid/cmdline" ] || return 1
  if [ "$name" = postgres ]; then tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q postgres
  else tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-Dguardian.local=$name "; fi
}

cmd_start() {
  local transcribers=1 ingests=1 moderations=1 services=1 secure=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --transcribers) transcribers="$2"; shift 2 ;;
      --ingest) ingests="$2"; shift 2 ;;
      --moderation) moderations="$2"; shift 2 ;;
      --no-services) services=0; shift ;;
      --secure) secure=1; shift ;;
      *) die "unknown option $1" ;;
    esac
  done
  local n
  for n in "$transcribers" "$ingests" "$moderations"; do
    [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "start: replica counts must be whole numbers from 1 to 99, got '$n'"
  done
  [ -s "$PIDS" ] && die "already started (see $PIDS); run stop first"
  mkdir -p "$WORK"
  : >"$PIDS"
  [[ "${GUARDIAN_TRANSCRIBER_CPUS:-}" =~ ^[0-9,-]*$ ]] \
    || die "GUARDIAN_TRANSCRIBER_CPUS must be a taskset CPU list such as 1 or 0-1, got '$GUARDIAN_TRANSCRIBER_CPUS'"
  printf 'GUARDIAN_KAFKA_PORT_BASE=%s\nGUARDIAN_PG_PORT=%s\nGUARDIAN_INGEST_PORT=%s\nGUARDIAN_MODERATION_PORT=%s\nGUARDIAN_TRANSCRIBER_PORT=%s\n' \
    "$KAFKA_PORT_BASE" "$PG_PORT" "$INGEST_PORT" "$MODERATION_PORT" "$TRANSCRIBER_PORT_BASE" >"$PORTS"
  # a transcriber added or restarted later gets the same CPUs and models as those started now
  printf 'GUARDIAN_TRANSCRIBER_CPUS=%s\n' "${GUARDIAN_TRANSCRIBER_CPUS:-}" >>"$PORTS"
  [ -z "${GUARDIAN_TRANSCRIBER_MODELS_VI:-}" ] || printf 'GUARDIAN_TRANSCRIBER_MODELS_VI=%q\n' "$GUARDIAN_TRANSCRIBER_MODELS_VI" >>"$PORTS"
  STARTING=1
  trap 'die "command failed (line $LINENO)"' ERR
  if [ "$secure" = 1 ]; then secure_init; fi
  start_kafka
  start_postgres
  [ "$services" = 1 ] && start_services "$transcribers" "$ingests" "$moderations"
  trap - ERR
  STARTING=0
  cmd_status
}

stop_pid() { # name pid seconds: wait for a TERMed process, then KILL it
  local name=$1 pid=$2 seconds=$3
  for _ in $(seq 1 "$seconds"); do alive "$name" "$pid" || { log "$name (pid $pid) stopped"; return 0; }; sleep 1; done
  kill -KILL "$pid" 2>/dev/null && log "$name (pid $pid) killed after $seconds s"
}

cmd_stop() {
  [ -f "$PIDS" ] || { log "nothing recorded in $PIDS"; return 0; }
  local name pid
  # services and PostgreSQL first, in reverse start order
  while read -r name pid _ state; do
    case "$name" in kafka-*) continue ;; esac
    if [ "${state:-}" = stopped ]; then log "$name was stopped earlier (stop-one)"; continue; fi
    if ! alive "$name" "$pid"; then log "$name (pid $pid) already gone"; continue; fi
    signal_tree CONT "$pid" # a paused process cannot handle SIGTERM
    if [ "$name" = postgres ]; then
      as_pg "$(pg_bin)/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null && log "postgres stopped"
    else
      kill -TERM "$pid"; stop_pid "$name" "$pid" 60
    fi
  done < <(tac "$PIDS")
  # brokers together: one by one, the last would wait for a controller quorum that is gone
  local brokers=()
  while read -r name pid _; do
    case "$name" in
      kafka-*) alive "$name" "$pid" && { signal_tree CONT "$pid"; kill -TERM "$pid"; brokers+=("$name:$pid"); } ;;
    esac
  done <"$PIDS"
  # a node that lost its quorum mid-shutdown can wait forever: KILL after 30 s (its log recovers on next start)
  for b in "${brokers[@]}"; do stop_pid "${b%%:*}" "${b##*:}" 30; done
  rm -f "$PIDS"
}

cmd_status() {
  [ -f "$PIDS" ] || { log "not started"; return 0; }
  local name pid port state recorded_state
  while read -r name pid port recorded_state; do
    state=down
    if [ "${recorded_state:-}" = stopped ]; then
      state="stopped (stop-one; start again: $0 restart $name)"
    elif alive "$name" "$pid" && [ "$(proc_state "$pid")" = T ]; then
      state="paused (resume: $0 resume $name)"
    elif alive "$name" "$pid"; then
      state=running
      case "$name" in
        kafka-*|postgres) port_open "$port" && state="running, port $port open" ;;
        *) ready "$port" && state="running, ready on http://127.0.0.1:$port" ;;
      esac
    fi
    printf '%-20s pid %-8s %s\n' "$name" "$pid" "$state"
  done <"$PIDS"
}

proc_state() { awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null; } # R, S, T (stopped), ...

# ---------------------------------------------------------------- fault injection: one named process at a time
launch() { # name: start one process of the topology with the settings `start` gave it
  case "$1" in
    kafka-*) launch_broker "${1#kafka-}" ;;
    postgres) launch_postgres ;;
    moderation-*) launch_moderation "${1#moderation-}" ;;
    transcriber-*) launch_transcriber "${1#transcriber-}" ;;
    ingest-*) launch_ingest "${1#ingest-}" ;;
  esac
}

wait_healthy() { # name: brokers until their port is open, PostgreSQL is up once pg_ctl -w returned, services ready
  local port; port=$(recorded "$1" | awk '{ print $2 }')
  case "$1" in
    kafka-*) wait_until 300 "$1 port $port (log: $WORK/$1/broker.log)" port_open "$port" ;;
    postgres) ;;
    *) wait_until 300 "$1 readiness (log: $WORK/$1/service.log)" ready "$port" ;;
  esac
  log "$1 healthy (port $port)"
}

alias_name() { # the names of the one-replica topology before issue 16
  case "$1" in ingest-service) echo ingest-1 ;; moderation-stream) echo moderation-1 ;; *) echo "$1" ;; esac
}

target() { # name: prints the recorded pid of a known process, or dies saying which names exist
  [ -f "$PIDS" ] || die "not started; run: $0 start"
  [ -n "${1:-}" ] || die "name a process: $(awk '{ printf "%s ", $1 }' "$PIDS")"
  local pid; pid=$(recorded "$1" | awk '{ print $1 }')
  [ -n "$pid" ] || die "no process named '$1'; known: $(awk '{ printf "%s ", $1 }' "$PIDS")"
  echo "$pid"
}

signal_tree() { # signal pid: the process and its children (PostgreSQL's backends would outlive a killed postmaster)
  local children; children=$(pgrep -P "$2" || true)
  # shellcheck disable=SC2086 # one pid per word
  kill "-$1" "$2" $children 2>/dev/null || true
}

cmd_kill() { # SIGKILL, like a crash: nothing is flushed, static group members and open transactions stay behind
  local pid; pid=$(target "${1:-}")
  alive "$1" "$pid" || { log "$1 (pid $pid) is not running"; return 0; }
  signal_tree KILL "$pid"
  for _ in $(seq 1 10); do alive "$1" "$pid" || break; sleep 0.5; done
  log "$1 (pid $pid) killed; bring it back with: $0 restart $1"
}

cmd_restart() { # stops the process if it runs (gracefully, as `stop` does), starts it again, waits until healthy
  local name=${1:-} pid; pid=$(target "$name")
  if alive "$name" "$pid"; then
    signal_tree CONT "$pid" # a paused process cannot handle SIGTERM
    if [ "$name" = postgres ]; then
      as_pg "$(pg_bin)/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null && log "postgres stopped"
    else
      kill -TERM "$pid"; stop_pid "$name" "$pid" 60
    fi
  fi
  # a process that just exited may hold its listening port for a moment longer
  local port; port=$(recorded "$name" | awk '{ print $2 }')
  for _ in $(seq 1 20); do port_open "$port" || break; sleep 0.5; done
  bring_up "$name"
}

cmd_pause() { # SIGSTOP, like a long GC pause or a hung VM: sockets stay open, nothing answers
  local name=${1:-} seconds=${2:-} pid; pid=$(target "$name")
  alive "$name" "$pid" || die "$name (pid $pid) is not running; start it with: $0 restart $name"
  [ -z "$seconds" ] || [[ "$seconds" =~ ^[0-9]+$ ]] || die "pause $name $seconds: SECONDS must be a whole number"
  signal_tree STOP "$pid"
  if [ -z "$seconds" ]; then
    log "$name (pid $pid) paused; resume with: $0 resume $name"
    return 0
  fi
  # resumed even when this command is interrupted
  trap 'signal_tree CONT "$pid"' EXIT
  log "$name (pid $pid) paused for $seconds s"
  sleep "$seconds"
  signal_tree CONT "$pid"
  trap - EXIT
  log "$name (pid $pid) resumed"
}

cmd_resume() {
  local pid; pid=$(target "${1:-}")
  alive "$1" "$pid" || die "$1 (pid $pid) is not running; start it with: $0 restart $1"
  signal_tree CONT "$pid"
  log "$1 (pid $pid) resumed"
}

# ---------------------------------------------------------------- scaling: one service replica more or less
running_replicas() { # kind: the names of its replicas running now, one a line
  local name pid
  while read -r name pid _; do
    case "$name" in "$1"-[0-9]*) if alive "$name" "$pid"; then echo "$name"; fi ;; esac
  done <"$PIDS"
}

cmd_add() { # kind: starts one more replica with the settings `start` gave the others, waits until ready, prints its name
  local kind=${1:-} jar
  case "$kind" in
    transcriber) jar=transcriber-stream ;;
    ingest) jar=ingest-service ;;
    moderation) jar=moderation-stream ;;
    *) die "add: name a service to add a replica of: transcriber, ingest or moderation (got '$kind')" ;;
  esac
  [ -s "$PIDS" ] || die "not started; run: $0 start"
  # the jar copy `start` made: every replica runs the same build, whatever was rebuilt in target/ since
  [ -f "$WORK/jars/$jar.jar" ] || die "add $kind: $WORK/jars/$jar.jar missing (the cluster started without $kind);" \
    "build it (./mvnw -B -DskipTests package), then $0 stop and start"
  # the lowest number free or stopped by stop-one: a replica stopped and added again keeps its port and instance id
  local i=1
  while [ -n "$(recorded "$kind-$i")" ] && ! stopped "$kind-$i"; do i=$((i + 1)); done
  [ "$i" -le 99 ] || die "add $kind: 99 replicas is the most this script numbers"
  bring_up "$kind-$i"
  echo "$kind-$i"
}

# A service replica started into a running cluster (add, restart) starts at nice 19: its JVM start and model load
# (1.5 cores for 20-60 s) then yield to the replicas serving live calls on the same host, and once ready it gets full
# priority like the others. Brokers and PostgreSQL start as they always did.
bring_up() { # name: launch it, wait until healthy
  START_NICE=19 launch "$1"
  wait_healthy "$1"
  case "$1" in transcriber-*|ingest-*|moderation-*) full_priority "$1" ;; esac
}

full_priority() { # name: every thread of the process back to nice 0 (nice is per thread on Linux)
  local pid task; pid=$(recorded "$1" | awk '{ print $1 }')
  for task in /proc/"$pid"/task/*; do
    renice -n 0 -p "${task##*/}" >/dev/null 2>&1 \
      || { log "$1: could not raise it back to nice 0 (needs root or CAP_SYS_NICE); it keeps running at nice 19"; return 0; }
  done
  log "$1 ready: back to full priority"
}

cmd_stop_one() { # name: SIGTERM (a graceful leave: the replica hands its work over at once), wait, record as stopped
  local name=${1:-} pid; pid=$(target "$name")
  case "$name" in
    transcriber-*|ingest-*|moderation-*) ;;
    *) die "stop-one $name: only a service replica (transcriber-N, ingest-N, moderation-N) can be stopped alone;" \
         "for brokers and PostgreSQL use kill/restart/pause, or stop for the whole cluster" ;;
  esac
  if stopped "$name"; then log "$name was already stopped"; return 0; fi
  local kind=${name%-*} others
  others=$(running_replicas "$kind" | grep -vx "$name" || true)
  [ -n "$others" ] \
    || die "stop-one $name: it is the last running $kind replica (add one first: $0 add $kind; or stop everything: $0 stop)"
  if alive "$name" "$pid"; then
    signal_tree CONT "$pid" # a paused process cannot handle SIGTERM
    kill -TERM "$pid"; stop_pid "$name" "$pid" 60
  else
    log "$name (pid $pid) was not running"
  fi
  record_pid "$name" "$pid" "$(recorded "$name" | awk '{ print $2 }')" stopped
  log "$name stopped for good; start it again with: $0 restart $name (or $0 add $kind)"
}

# produce one record to guardian.dlq through broker 1 and read it back through broker 3
# shellcheck disable=SC2046 # secure_tool_args: the admin login, or nothing
cmd_smoke() {
  local msg; msg="smoke-$(date +%s)"
  echo "$msg" | kafka_java org.apache.kafka.tools.ConsoleProducer --bootstrap-server "127.0.0.1:$KAFKA_PORT_BASE" \
    --topic guardian.dlq --producer-property acks=all $(secure_tool_args producer) >/dev/null
  local got
  got=$(kafka_java org.apache.kafka.tools.consumer.ConsoleConsumer \
    --bootstrap-server "127.0.0.1:$((KAFKA_PORT_BASE + 2))" --topic guardian.dlq --from-beginning \
    --max-messages 100 --timeout-ms 15000 $(secure_tool_args consumer) 2>/dev/null || true)
  if grep -qx "$msg" <<<"$got"; then log "smoke ok: produced and consumed '$msg'"; else die "smoke: '$msg' not read back"; fi
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --describe --topic guardian.call-verdicts \
    $(secure_tool_args)
  if secure; then secure_smoke; fi
}

cmd_elect_leaders() {
  # shellcheck disable=SC2046 # the admin login's flag and file are two words
  kafka_java org.apache.kafka.tools.LeaderElectionCommand --bootstrap-server "$BOOTSTRAP" --election-type PREFERRED \
    --all-topic-partitions $(secure_tool_args)
}

verb="${1:-}"; shift || true
case "$verb" in
  start) cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  smoke) cmd_smoke ;;
  kill) name=$(alias_name "${1:-}"); shift || true; cmd_kill "$name" "$@" ;;
  restart) name=$(alias_name "${1:-}"); shift || true; cmd_restart "$name" "$@" ;;
  pause) name=$(alias_name "${1:-}"); shift || true; cmd_pause "$name" "$@" ;;
  resume) name=$(alias_name "${1:-}"); shift || true; cmd_resume "$name" "$@" ;;
  add) cmd_add "${1:-}" ;;
  stop-one) name=$(alias_name "${1:-}"); cmd_stop_one "$name" ;;
  elect-leaders) cmd_elect_leaders ;;
  *) echo "usage: $0 start [--transcribers N] [--ingest N] [--moderation N] [--no-services] [--secure] | status | smoke | stop" \
       "| kill NAME | restart NAME | pause NAME [SECONDS] | resume NAME | add transcriber|ingest|moderation | stop-one NAME" \
       "| elect-leaders" >&2; exit 2 ;;
esac
