# vsriov as a container image.
#   docker build -t vsriov .   &&   docker run --rm -p 8080:8080 vsriov
#   podman build -t vsriov .   &&   podman run --rm -p 8080:8080 vsriov
# CI builds it with Podman, runs it and checks it against the docs' walk-throughs (.ci/container-check).

# Build stage: the Maven wrapper fetches Maven and the dependencies (cached in ~/.m2
# between builds), packages the jar, and extracts it into Spring Boot's layers: app.jar
# and the lib/ folder it names on its class path.
FROM docker.io/library/eclipse-temurin:25-jdk AS build
WORKDIR /build
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -DskipTests package \
 && cp target/vsriov-*.jar app.jar \
 && java -Djarmode=tools -jar app.jar extract --layers --destination extracted

# Runtime stage: a JRE only, the layers copied from the least to the most often changed,
# so that a code change rebuilds only the small application layer and the archive below.
FROM docker.io/library/eclipse-temurin:25-jre
WORKDIR /app
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./

# Size the heap from the container's memory limit (75% of 1 GiB under --memory=1g), and
# stop on OutOfMemoryError rather than limp on. ParallelGC and two malloc arenas are what the
# benchmark measured best (docs/performance.md); the JVM would pick SerialGC for a
# container with less than 2 CPUs or 2 GiB. Override with -e JAVA_TOOL_OPTIONS=...
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC" \
    MALLOC_ARENA_MAX=2

# An ahead-of-time cache (JDK 25, JEPs 483 and 514) from a training run that stops once the
# application context is refreshed, before the web server starts: the classes loaded and
# linked, so the service is ready sooner than with a class data sharing archive
# (docs/operations.md#container). It maps only for this JVM and this class path, which is why
# it is made here and not in the build stage (a JVM that cannot map it starts without it), and
# it is rebuilt with every change of the application. Made by root, readable by every user.
RUN java -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh -jar app.jar > /dev/null \
 && chmod 444 app.aot

# Not root: a numeric uid, so that platforms can check it without a passwd entry.
USER 10001:10001

# Configure with environment variables, e.g. -e VSRIOV_TOTALVFS=8 -e VSRIOV_POLL_DEFAULTTIMEOUT=10s
# -e SERVER_PORT=9090: docs/operations.md#configuration lists them.
EXPOSE 8080

# No HEALTHCHECK. It would need an HTTP client in the image: from Temurin 22 on the images
# have no curl, and from 25 on no wget either, and starting a JVM for every check is heavy.
# Kubernetes ignores HEALTHCHECK, and podman build drops it unless given --format docker. Probe /actuator/health/liveness and
# /actuator/health/readiness from the platform instead (docs/operations.md shows how).

# Exec form: java is PID 1 and gets SIGTERM, which answers parked polls (204) and then
# shuts the server down gracefully.
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-jar", "app.jar"]
