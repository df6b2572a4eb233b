# syntax=docker/dockerfile:1
# Locus container image: `docker build -t locus .`, run as
#   docker run -p 8080:8080 -e LOCUS_... locus                     (config: /etc/locus/locus.json)
#   docker run ... locus --config /app/conf/locus.json             (another file)
# In Kubernetes (k8s/), /etc/locus is the ConfigMap generated from conf/.

# ---- build: the shaded, runnable jar (maven-shade-plugin replaces target/locus.jar) ----------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src ./src
# The cache mount keeps ~/.m2 between builds (BuildKit, the default builder since Docker 23).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q package -DskipTests

# ---- runtime ---------------------------------------------------------------------------------
# Temurin 17 JRE on Ubuntu 22.04 (jammy), not alpine: glibc, which the JVM's and Netty's native
# parts are built and tested against (musl is a second-class target), a `sleep` for the Kubernetes
# preStop hook, and a pinned LTS base rather than the moving `17-jre` tag.
FROM eclipse-temurin:17-jre-jammy

# A fixed non-root identity, matching runAsUser/runAsGroup in k8s/base.
RUN groupadd --system --gid 10001 locus \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin locus

WORKDIR /app
# Owned by root and read-only for the app: it writes nothing but /tmp.
COPY --from=build /src/target/locus.jar /app/locus.jar
COPY conf/ /app/conf/
# A default configuration where CMD looks for it, so the image starts without a mount: the
# production example, each key overridable by LOCUS_* variables (Kubernetes mounts its
# ConfigMap over /etc/locus).
COPY conf/locus.production.example.json /etc/locus/locus.json
COPY conf/hazelcast-kubernetes.xml /etc/locus/hazelcast.xml

# Container-aware JVM: heap from the container's memory limit (75%, the rest for metaspace,
# threads and Netty's direct buffers); die on OutOfMemoryError so the orchestrator restarts the
# process instead of it limping on; UTF-8 regardless of the base image's locale; temporary files
# (Vert.x's file cache, JVM perf data) in /tmp, the one writable directory under Kubernetes.
# Hazelcast's --add-opens/--add-exports need no flag here: the jar's manifest grants them
# (Add-Opens/Add-Exports, set by maven-shade-plugin in pom.xml), which `java -jar` honours.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8 -Djava.io.tmpdir=/tmp -Dvertx.cacheDirBase=/tmp/vertx-cache"

USER 10001:10001
# 8080: HTTP (the API on api nodes; /health/* and /metrics on every node), 5701: Hazelcast,
# 5801: the clustered event bus (cluster.eventBusPort, fixed to 5801 in k8s/; 0 = random).
EXPOSE 8080 5701 5801

ENTRYPOINT ["java", "-jar", "/app/locus.jar"]
CMD ["--config", "/etc/locus/locus.json"]
