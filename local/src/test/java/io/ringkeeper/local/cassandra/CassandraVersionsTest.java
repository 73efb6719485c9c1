package io.ringkeeper.local.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CassandraVersionsTest {
  @TempDir
  Path tmp;

  private final List<String> fetched = new ArrayList<>();
  private CompletableFuture<Path> pending = new CompletableFuture<>();

  private CassandraDistribution bundled() {
    return new CassandraDistribution(tmp.resolve("java"), tmp.resolve("bundled-lib"), tmp.resolve("agent.jar"));
  }

  private CassandraVersions versions() {
    return new CassandraVersions(bundled(), "5.0.9", tmp.resolve("cache"), v -> {
      fetched.add(v);
      return pending;
    });
  }

  private static CassandraVersions.Unavailable refusal(CassandraVersions versions, String image) {
    try {
      versions.distributionFor(image);
    } catch (CassandraVersions.Unavailable e) {
      return e;
    }
    throw new AssertionError(image + " was not refused");
  }

  @Test
  void theBundledVersionRunsFromTheBundledJarsWithoutAFetch() throws Exception {
    CassandraVersions versions = versions();
    assertThat(versions.distributionFor("cassandra:5.0.9")).isEqualTo(bundled());
    assertThat(versions.distributionFor("docker.io/library/cassandra:5.0.9")).isEqualTo(bundled());
    assertThat(fetched).isEmpty();
  }

  @Test
  void anotherFiveZeroReleaseIsFetchedOnceWhileThePodWaitsThenRunsFromTheCache() throws Exception {
    CassandraVersions versions = versions();
    CassandraVersions.Unavailable waiting = refusal(versions, "cassandra:5.0.8");
    assertThat(waiting.waiting()).isTrue();
    assertThat(waiting.reason()).isEqualTo("FetchingCassandra");
    assertThat(waiting.getMessage()).contains("cassandra:5.0.8").contains(tmp.resolve("cache").resolve("5.0.8").toString());
    assertThat(refusal(versions, "cassandra:5.0.8").waiting()).isTrue();
    assertThat(fetched).containsExactly("5.0.8");

    Path lib = Files.createDirectories(tmp.resolve("cache").resolve("5.0.8"));
    pending.complete(lib);
    CassandraDistribution d = versions.distributionFor("cassandra:5.0.8");
    assertThat(d.libDir()).isEqualTo(lib);
    assertThat(d.java()).isEqualTo(bundled().java());
    assertThat(d.agentJar()).isEqualTo(bundled().agentJar());
  }

  @Test
  void aVersionAlreadyCompleteInTheCacheIsReusedWithoutAFetch() throws Exception {
    Path lib = Files.createDirectories(tmp.resolve("cache").resolve("5.0.6"));
    Files.writeString(lib.resolve(CassandraVersions.COMPLETE), "5.0.6\n");
    assertThat(versions().distributionFor("cassandra:5.0.6").libDir()).isEqualTo(lib);
    assertThat(fetched).isEmpty();
  }

  @Test
  void anIncompleteCacheDirectoryIsFetchedAgain() throws IOException {
    Files.createDirectories(tmp.resolve("cache").resolve("5.0.7"));
    assertThat(refusal(versions(), "cassandra:5.0.7").waiting()).isTrue();
    assertThat(fetched).containsExactly("5.0.7");
  }

  @Test
  void aReleaseThatCannotBeFetchedIsRefusedNamingTheImageAndMavensReason() {
    CassandraVersions versions = versions();
    refusal(versions, "cassandra:5.0.99");
    pending.completeExceptionally(new IllegalStateException("Maven exited 1: Could not find artifact"
        + " org.apache.cassandra:cassandra-all:jar:5.0.99"));
    CassandraVersions.Unavailable refused = refusal(versions, "cassandra:5.0.99");
    assertThat(refused.waiting()).isFalse();
    assertThat(refused.reason()).isEqualTo("UnsupportedImage");
    assertThat(refused.getMessage()).contains("image 'cassandra:5.0.99'").contains("could not be fetched")
        .contains("Could not find artifact").contains("spec.cassandraVersion: \"5.0.9\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cassandra:4.1.10", "cassandra:4.0.13"})
  void aFourXReleaseIsRefusedBecauseItNeedsJdk11AndNothingIsFetched(String image) {
    CassandraVersions.Unavailable refused = refusal(versions(), image);
    assertThat(refused.waiting()).isFalse();
    assertThat(refused.getMessage()).contains(image).contains("JDK 8 or 11").contains("JDK 17")
        .contains("spec.cassandraVersion");
    assertThat(fetched).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cassandra:3.11.17", "cassandra:5.1.0", "cassandra:6.0.0"})
  void aReleaseOutsideFiveZeroIsRefusedAndNothingIsFetched(String image) {
    CassandraVersions.Unavailable refused = refusal(versions(), image);
    assertThat(refused.waiting()).isFalse();
    assertThat(refused.getMessage()).contains(image).contains("JDK");
    assertThat(fetched).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cassandra:latest", "cassandra:5.0", "cassandra:5.0.9-jammy", "cassandra:", "cassandra:../x"})
  void aTagThatIsNotAReleaseVersionIsRefusedAsMalformed(String image) {
    CassandraVersions.Unavailable refused = refusal(versions(), image);
    assertThat(refused.waiting()).isFalse();
    assertThat(refused.getMessage()).contains(image).contains("is not a Cassandra release version");
    assertThat(fetched).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"scylladb/scylla:6.2", "my.registry/cassandra:5.0.9", "k8ssandra/cass-management-api:5.0.9"})
  void anImageOtherThanTheStockCassandraImageIsRefused(String image) {
    CassandraVersions.Unavailable refused = refusal(versions(), image);
    assertThat(refused.waiting()).isFalse();
    assertThat(refused.getMessage()).contains("'" + image + "'").contains("cassandra:<version>");
  }

  @Test
  void withoutACacheOnlyTheBundledVersionRuns() throws Exception {
    CassandraVersions only = CassandraVersions.only(null, "5.0.9");
    assertThat(only.distributionFor("cassandra:5.0.9")).isNull();
    assertThat(only.knowsImage("cassandra:5.0.9")).isTrue();
    assertThat(only.knowsImage("cassandra:5.0.8")).isFalse();
    assertThat(refusal(only, "cassandra:5.0.8").getMessage()).contains("runs only cassandra:5.0.9");
  }

  @Test
  void theImageNamesTheVersion() {
    assertThat(CassandraVersions.versionOf("cassandra:5.0.8")).isEqualTo("5.0.8");
    assertThat(CassandraVersions.versionOf("docker.io/cassandra:5.0.8")).isEqualTo("5.0.8");
    assertThat(CassandraVersions.versionOf("index.docker.io/library/cassandra:5.0.8")).isEqualTo("5.0.8");
    assertThat(CassandraVersions.versionOf("cassandra")).isNull();
    assertThat(CassandraVersions.versionOf(null)).isNull();
  }

  @Test
  void theFetchIsOneMavenCopyOfCassandraAllsRuntimeDependenciesFromAGeneratedPom() {
    assertThat(CassandraVersions.pom("5.0.8")).contains("<artifactId>cassandra-all</artifactId>")
        .contains("<version>5.0.8</version>").doesNotContain("<parent>").doesNotContain("dependencyManagement");
    assertThat(CassandraVersions.mavenCommand("mvn", "/r", Path.of("/c/pom.xml"), Path.of("/c/lib")))
        .containsSubsequence("mvn", "-f", "/c/pom.xml", "-Dmaven.repo.local=/r")
        .anyMatch(a -> a.endsWith(":copy-dependencies")).contains("-DincludeScope=runtime", "-DoutputDirectory=/c/lib");
  }

  @Test
  void mavensFailedGoalLineIsWhatTheRefusalQuotes() throws IOException {
    Path log = tmp.resolve("mvn.log");
    Files.writeString(log, "\u001B[0m\u001B[0m[ERROR] Failed to execute goal on project f: Could not resolve"
        + " dependencies for project x:y:pom:0: org.apache.cassandra:cassandra-all:jar:5.0.99 was not found -> [Help 1]\n"
        + "[ERROR] \n[ERROR] To see the full stack trace\n[ERROR] Re-run Maven\n\u001B[0m");
    assertThat(CassandraVersions.lastLines(log)).isEqualTo("[ERROR] Failed to execute goal on project f: Could not"
        + " resolve dependencies for project x:y:pom:0: org.apache.cassandra:cassandra-all:jar:5.0.99 was not found");
    Files.writeString(log, "a\nb\nc\nd\n");
    assertThat(CassandraVersions.lastLines(log)).isEqualTo("b c d");
  }
}
