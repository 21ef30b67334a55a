#!/bin/sh
# Writes FILE: a Kafka tool's login with the broker certificate (User:kafka-broker, a super user), for kafka-init's jobs.
# Usage: broker-login.sh FILE   (apache/kafka image, KAFKA_SSL_KEYSTORE_PASSWORD from kafka.env)
set -eu
umask 077
cat >"$1" <<PROPS
security.protocol=SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=/etc/kafka/secrets/broker.p12
ssl.keystore.password=${KAFKA_SSL_KEYSTORE_PASSWORD:?KAFKA_SSL_KEYSTORE_PASSWORD missing: set it in kafka.env}
ssl.truststore.type=PEM
ssl.truststore.location=/etc/kafka/secrets/ca.crt
PROPS
