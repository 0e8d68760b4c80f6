# vsriov as a container image.
#   docker build -t vsriov .   &&   docker run --rm -p 8080:8080 vsriov
#   podman build -t vsriov .   &&   podman run --rm -p 8080:8080 vsriov

# Build stage: the Maven wrapper fetches Maven and the dependencies (cached in ~/.m2
# between builds), packages the jar, and splits it into Spring Boot's layers.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /build
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests package \
 && cp target/vsriov-*.jar app.jar \
 && java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# Runtime stage: a JRE only, the layers copied from the least to the most often changed,
# so that a code change rebuilds only the small application layer.
FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
COPY --from=build /build/extracted/application/ ./

# Not root: a numeric uid, so that platforms can check it without a passwd entry.
USER 10001:10001

# Size the heap from the container's memory limit, and stop on OutOfMemoryError rather
# than limp on. Override with -e JAVA_TOOL_OPTIONS=...
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

EXPOSE 8080

# No HEALTHCHECK: curl is in the 21 JRE image only as a leftover that the Temurin images
# dropped from 22 on, and Podman ignores HEALTHCHECK in OCI images anyway. Probe
# /actuator/health/liveness and /actuator/health/readiness from the platform instead.

# Exec form: java is PID 1 and gets SIGTERM, which answers parked polls (204) and then
# shuts the server down gracefully.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
