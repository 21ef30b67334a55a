# syntax=docker/dockerfile:1.7
# moderation-stream image. Build context = repository root:
#   docker build -f infra/docker/moderation-stream.Dockerfile -t guardian/moderation-stream:0.1.0 .
# (BuildKit reads infra/docker/moderation-stream.Dockerfile.dockerignore next to this file.)

# ---- build: the same ./mvnw the README uses; ~/.m2 is a BuildKit cache, so rebuilds skip downloads
FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests -pl moderation-stream -am package \
 && cp moderation-stream/target/moderation-stream-*-exec.jar /tmp/app.jar

# ---- extract: Spring Boot layers, so a code change only replaces the small "application" layer
FROM eclipse-temurin:17-jre-noble AS extract
WORKDIR /extract
COPY --from=build /tmp/app.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination layers

# ---- runtime: slim JRE 17, curl for the health check, non-root user 1001
FROM eclipse-temurin:17-jre-noble
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 1001 guardian \
 && useradd --system --uid 1001 --gid 1001 --home-dir /app --shell /usr/sbin/nologin guardian
# Kafka Streams bookkeeping (checkpoints, locks); the stores are in memory and restore from their changelogs
RUN mkdir -p /var/lib/guardian/streams && chown 1001:1001 /var/lib/guardian/streams
ENV GUARDIAN_MODERATION_STATE_DIR=/var/lib/guardian/streams
VOLUME /var/lib/guardian/streams
WORKDIR /app
# least-changing layer first; code stays root-owned and read-only for the service user
COPY --from=extract /extract/layers/dependencies/ ./
COPY --from=extract /extract/layers/spring-boot-loader/ ./
COPY --from=extract /extract/layers/snapshot-dependencies/ ./
COPY --from=extract /extract/layers/application/ ./
# heap follows the container memory limit; die on OOM so the orchestrator restarts a clean JVM
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 1001:1001
EXPOSE 8082
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=6 \
  CMD curl -fsS http://127.0.0.1:8082/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
