#!/usr/bin/env bash
# Makes the Kafka TLS material with the JDK's keytool (nothing here is committed; run it once per cluster).
# Usage: make-certs.sh OUT_DIR [HOSTNAME...]   (default hostnames: kafka-1 kafka-2 kafka-3 localhost; 127.0.0.1 always)
# Writes into OUT_DIR, and leaves existing files alone (delete OUT_DIR's files to make new ones):
#   ca.crt          the cluster CA certificate (PEM): the truststore of every broker and client (ssl.truststore.type=PEM)
#   broker.p12      the brokers' key and certificate (PKCS12), CN=kafka-broker: TLS on every listener, and the
#                   brokers' identity (User:kafka-broker, a super user) on the mTLS controller and replication listeners
#   ca.p12          the CA's private key: keep it offline; anyone holding it can mint a broker identity
#   store-password  the password of both .p12 files (random)
set -euo pipefail
out="${1:?usage: make-certs.sh OUT_DIR [HOSTNAME...]}"; shift
[ $# -gt 0 ] || set -- kafka-1 kafka-2 kafka-3 localhost
command -v keytool >/dev/null || { echo "make-certs.sh: keytool not found; it comes with the JDK (Java 17)" >&2; exit 1; }
mkdir -p "$out"
umask 077
if [ -f "$out/broker.p12" ] && [ -f "$out/ca.crt" ]; then
  echo "make-certs.sh: $out/broker.p12 and ca.crt exist; kept"
  exit 0
fi
[ -f "$out/store-password" ] || od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$out/store-password"
pass=$(cat "$out/store-password")
san="ip:127.0.0.1"
for h in "$@"; do san="$san,dns:$h"; done
days=825
rm -f "$out/ca.p12" "$out/broker.p12" "$out/ca.crt" "$out/broker.csr" "$out/broker.crt"

kt() { keytool -noprompt -storetype PKCS12 -storepass "$pass" "$@"; }
kt -genkeypair -keystore "$out/ca.p12" -alias ca -keyalg RSA -keysize 3072 -validity "$days" \
  -dname "CN=guardian-kafka-ca,O=VN Speech Guardian" -ext bc:c >/dev/null 2>&1
kt -exportcert -rfc -keystore "$out/ca.p12" -alias ca -file "$out/ca.crt" >/dev/null 2>&1
kt -genkeypair -keystore "$out/broker.p12" -alias broker -keyalg RSA -keysize 2048 -validity "$days" \
  -dname "CN=kafka-broker,O=VN Speech Guardian" >/dev/null 2>&1
kt -certreq -keystore "$out/broker.p12" -alias broker -file "$out/broker.csr" >/dev/null 2>&1
# serverAuth for the listeners, clientAuth for the brokers' own mTLS connections to each other
kt -gencert -keystore "$out/ca.p12" -alias ca -infile "$out/broker.csr" -outfile "$out/broker.crt" -rfc \
  -validity "$days" -ext "san=$san" -ext ku:c=digitalSignature,keyEncipherment \
  -ext eku=serverAuth,clientAuth >/dev/null 2>&1
kt -importcert -keystore "$out/broker.p12" -alias ca -file "$out/ca.crt" >/dev/null 2>&1
kt -importcert -keystore "$out/broker.p12" -alias broker -file "$out/broker.crt" >/dev/null 2>&1
rm -f "$out/broker.csr" "$out/broker.crt"
# readable by the containers' users (kafka uid 1000, services uid 1001): the CA certificate is public,
# the keystores are protected by store-password
chmod 644 "$out/ca.crt" "$out/broker.p12"
echo "make-certs.sh: wrote $out/ca.crt, broker.p12 (SAN $san), ca.p12, store-password"
