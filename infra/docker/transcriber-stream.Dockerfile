# syntax=docker/dockerfile:1.7
# transcriber-stream image. Build context = repository root:
#   docker build -f infra/docker/transcriber-stream.Dockerfile -t guardian/transcriber-stream:0.1.0 .
# (BuildKit reads infra/docker/transcriber-stream.Dockerfile.dockerignore next to this file.)

# ---- build: the same ./mvnw the README uses; ~/.m2 is a BuildKit cache, so rebuilds skip downloads
FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests -pl transcriber-stream -am package \
 && cp transcriber-stream/target/transcriber-stream-*-exec.jar /tmp/app.jar

# ---- extract: Spring Boot layers, so a code change only replaces the small "application" layer
FROM eclipse-temurin:17-jre-noble AS extract
WORKDIR /extract
COPY --from=build /tmp/app.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination layers

# ---- vi-model: the Vietnamese Vosk model, fetched at image build time (English is bundled in the jar).
# VI_MODEL_URL="" builds without it; then run with GUARDIAN_TRANSCRIBER_MODELS_VI unset (English only).
FROM debian:bookworm-slim AS vi-model
ARG VI_MODEL_URL=https://alphacephei.com/vosk/models/vosk-model-small-vn-0.4.zip
# optional: pin the archive; the build fails when the download differs
ARG VI_MODEL_SHA256=
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && rm -rf /var/lib/apt/lists/*
# archives hold one top folder (vosk-model-small-vn-0.4/): flatten it into /models/vi
RUN mkdir -p /models/vi \
 && if [ -n "$VI_MODEL_URL" ]; then \
      curl -fsSL --retry 3 "$VI_MODEL_URL" -o /tmp/model.zip \
      && if [ -n "$VI_MODEL_SHA256" ]; then echo "$VI_MODEL_SHA256  /tmp/model.zip" | sha256sum -c -; fi \
      && unzip -q /tmp/model.zip -d /tmp/model \
      && top=$(find /tmp/model -mindepth 1 -maxdepth 1) \
      && if [ "$(echo "$top" | wc -l)" = 1 ] && [ -d "$top" ]; then cp -a "$top"/. /models/vi/; else cp -a /tmp/model/. /models/vi/; fi \
      && test -d /models/vi/am -o -d /models/vi/graph \
      && rm -rf /tmp/model /tmp/model.zip; \
    fi

# ---- runtime: slim JRE 17, curl for the health check, non-root user 1001
FROM eclipse-temurin:17-jre-noble
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl libjemalloc2 \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s "$(find /usr/lib -name libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2 \
 && groupadd --system --gid 1001 guardian \
 && useradd --system --uid 1001 --gid 1001 --home-dir /app --shell /usr/sbin/nologin guardian
# the model dir is read-only data; a named volume "models" in compose starts as a copy of it
COPY --from=vi-model /models /models
ENV GUARDIAN_TRANSCRIBER_MODELS_VI=/models/vi
WORKDIR /app
# least-changing layer first; code stays root-owned and read-only for the service user
COPY --from=extract /extract/layers/dependencies/ ./
COPY --from=extract /extract/layers/spring-boot-loader/ ./
COPY --from=extract /extract/layers/snapshot-dependencies/ ./
COPY --from=extract /extract/layers/application/ ./
# a small heap: models and recognizers live in native memory (README "Memory"); die on OOM for a clean restart;
# ParallelGC: more decoding per core than G1 in both corpus and sample runs, same live tail (docs/benchmarks.md)
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=20 -XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC"
# jemalloc for Vosk's native memory: a live channel ~92 MB on average (90s retirement) against ~167 with glibc's
# malloc, freed pages handed back on its background threads, which the transcriber switches on at start (Allocator:
# inherited by a child process they would break its unshare) (docs/benchmarks.md, "Issue 17, session 10")
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    MALLOC_CONF=dirty_decay_ms:1000,muzzy_decay_ms:0
USER 1001:1001
EXPOSE 8081
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=6 \
  CMD curl -fsS http://127.0.0.1:8081/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
