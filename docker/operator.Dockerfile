# The operator image. It also carries the node agent jar: each Cassandra pod's init container runs this image
# with `cp /opt/ringkeeper/ringkeeper-agent.jar /opt/ringkeeper-agent/` (resources/NodePods, Names) and the
# cassandra container loads it with -javaagent. One image, one version: operator and agents always match.
#
# Build from the repository root (needs a Docker engine and Maven Central; not buildable on the dev machine):
#   docker build -f docker/operator.Dockerfile -t ghcr.io/ringkeeper/ringkeeper-operator:0.1.0 .

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY crds/pom.xml crds/
COPY agent/pom.xml agent/
COPY operator/pom.xml operator/
COPY local/pom.xml local/
COPY helm/pom.xml helm/
COPY e2e/pom.xml e2e/
COPY bench/pom.xml bench/
RUN mvn -B -ntp -q -pl operator,agent -am dependency:go-offline
COPY crds crds
COPY agent agent
COPY operator operator
RUN mvn -B -ntp -q -pl operator,agent -am package -DskipTests \
 && mvn -B -ntp -q -pl operator dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/lib \
 && cp operator/target/ringkeeper-operator-*[0-9T].jar /out/ringkeeper-operator.jar \
 && cp agent/target/ringkeeper-agent-*[0-9T].jar /out/ringkeeper-agent.jar

FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="ringkeeper-operator" \
      org.opencontainers.image.description="Kubernetes operator for Apache Cassandra (and its node agent jar)" \
      org.opencontainers.image.source="https://github.com/ringkeeper/ringkeeper"
RUN groupadd --gid 10001 ringkeeper && useradd --uid 10001 --gid 10001 --no-create-home ringkeeper
COPY --from=build /out/lib/ /opt/ringkeeper/lib/
COPY --from=build /out/ringkeeper-operator.jar /opt/ringkeeper/ringkeeper-operator.jar
# Read by the agent init container of every Cassandra pod (Names.AGENT_JAR_IN_OPERATOR_IMAGE); world-readable
# so it can be copied whatever user the Cassandra pod runs as.
COPY --from=build --chmod=0644 /out/ringkeeper-agent.jar /opt/ringkeeper/ringkeeper-agent.jar
USER 10001:10001
EXPOSE 8080
# JVM flags come from JAVA_TOOL_OPTIONS (set by the Helm chart, with reasons in its README).
ENTRYPOINT ["java", "-cp", "/opt/ringkeeper/ringkeeper-operator.jar:/opt/ringkeeper/lib/*", "io.ringkeeper.operator.Main"]
