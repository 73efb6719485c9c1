package io.ringkeeper.local.cassandra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra releases local mode runs, one jar directory per version: the image {@code cassandra:<version>} of a
 * pod names the release.
 *
 * <p>The algorithm, per image:
 * <ol>
 *   <li>the image must be the stock {@code cassandra:<MAJOR.MINOR.PATCH>} (Docker Hub prefixes allowed), else it is
 *       refused;
 *   <li>the release must run on this machine's JDK 17: 5.0.x only (4.x needs JDK 8 or 11, 3.x JDK 8), else refused;
 *   <li>the bundled version (local/target/cassandra-lib, built by local/pom.xml) is used as it is;
 *   <li>any other version is looked up in the cache ({@code ~/.cache/ringkeeper/cassandra/<version>}, outside the
 *       repository so clones and CI runs share it); a complete directory (its {@code .complete} marker) is reused;
 *   <li>otherwise it is fetched once, in the background: a generated pom naming {@code cassandra-all:<version>}
 *       and {@code mvn dependency:copy-dependencies} into a temporary directory, moved into place when complete.
 *       While it runs, the caller is told to wait; a fetch that fails (no such release on Maven Central, no
 *       network) is a refusal naming the image and Maven's last lines, kept until this process restarts.
 * </ol>
 */
public final class CassandraVersions {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraVersions.class);
  public static final String CACHE_PROPERTY = "ringkeeper.cassandra.cache";
  public static final String MAVEN_PROPERTY = "ringkeeper.maven";
  public static final String MAVEN_REPO_PROPERTY = "ringkeeper.maven.repo";
  static final String COMPLETE = ".complete";
  private static final Pattern RELEASE = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");
  private static final List<String> HUB_PREFIXES = List.of("docker.io/library/", "docker.io/", "index.docker.io/library/");

  /** Why an image cannot run now; {@code waiting} when it may run once its fetch completes. */
  public static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;
    private final boolean waiting;

    Unavailable(String reason, String message, boolean waiting) {
      super(message);
      this.reason = reason;
      this.waiting = waiting;
    }

    public String reason() {
      return reason;
    }

    public boolean waiting() {
      return waiting;
    }
  }

  private final CassandraDistribution bundled;
  private final String bundledVersion;
  private final Path cacheDir;
  private final Function<String, CompletableFuture<Path>> fetcher;
  private final Map<String, CompletableFuture<Path>> fetches = new ConcurrentHashMap<>();

  /**
   * @param bundled the distribution built with the project; its version runs without a fetch (null when only the
   *     bundled version runs: the launcher's own distribution)
   * @param bundledVersion its Cassandra version
   * @param cacheDir where other versions are kept, one directory each; null: only the bundled version runs
   * @param fetcher fetches a version into the directory it returns (tests replace Maven); null for Maven
   */
  CassandraVersions(CassandraDistribution bundled, String bundledVersion, Path cacheDir,
      Function<String, CompletableFuture<Path>> fetcher) {
    if (cacheDir != null) {
      Objects.requireNonNull(bundled, "bundled"); // its java and agent jar run the fetched versions
    }
    this.bundled = bundled;
    this.bundledVersion = Objects.requireNonNull(bundledVersion, "bundledVersion");
    this.cacheDir = cacheDir;
    this.fetcher = fetcher != null ? fetcher : v -> CompletableFuture.supplyAsync(() -> mavenFetch(v), r -> {
      Thread t = new Thread(r, "cassandra-fetch-" + v);
      t.setDaemon(true);
      t.start();
    });
  }

  /** Only the bundled version: other images are refused, nothing is fetched; {@code bundled} may be null. */
  public static CassandraVersions only(CassandraDistribution bundled, String version) {
    return new CassandraVersions(bundled, version, null, null);
  }

  /** The bundled version, and any other 5.0 release fetched with Maven into {@link #defaultCacheDir()}. */
  public static CassandraVersions fetching(CassandraDistribution bundled, String version) {
    return new CassandraVersions(bundled, version, defaultCacheDir(), null);
  }

  /** The bundled version, and any other 5.0 release fetched with Maven into {@code cacheDir}. */
  public static CassandraVersions fetching(CassandraDistribution bundled, String version, Path cacheDir) {
    return new CassandraVersions(bundled, version, Objects.requireNonNull(cacheDir, "cacheDir"), null);
  }

  /** As {@link #fetching(CassandraDistribution, String, Path)}, with another fetcher than Maven (tests). */
  public static CassandraVersions fetching(CassandraDistribution bundled, String version, Path cacheDir,
      Function<String, CompletableFuture<Path>> fetcher) {
    return new CassandraVersions(bundled, version, Objects.requireNonNull(cacheDir, "cacheDir"),
        Objects.requireNonNull(fetcher, "fetcher"));
  }

  /** -D{@value #CACHE_PROPERTY}, else {@code ~/.cache/ringkeeper/cassandra}. */
  public static Path defaultCacheDir() {
    String configured = System.getProperty(CACHE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured).toAbsolutePath();
    }
    return Paths.get(System.getProperty("user.home"), ".cache", "ringkeeper", "cassandra");
  }

  public String bundledVersion() {
    return bundledVersion;
  }

  /** The release an image names ({@code cassandra:5.0.8} -> 5.0.8), or null when it is not the stock image. */
  public static String versionOf(String image) {
    if (image == null) {
      return null;
    }
    String name = image;
    for (String prefix : HUB_PREFIXES) {
      if (name.startsWith(prefix)) {
        name = name.substring(prefix.length());
      }
    }
    return name.startsWith("cassandra:") ? name.substring("cassandra:".length()) : null;
  }

  /** Why a version cannot run on this machine's JDK 17, or null when it can (a 5.0.x release). */
  public static String whyNotRunnable(String version) {
    Matcher m = RELEASE.matcher(version == null ? "" : version);
    if (!m.matches()) {
      return "'" + version + "' is not a Cassandra release version (MAJOR.MINOR.PATCH, e.g. 5.0.9)";
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    if (major == 5 && minor == 0) {
      return null;
    }
    if (major == 4) {
      return "Cassandra " + version + " needs JDK 8 or 11 and local mode runs nodes on JDK 17";
    }
    if (major < 4) {
      return "Cassandra " + version + " needs JDK 8 and local mode runs nodes on JDK 17";
    }
    return "local mode runs Cassandra 5.0.x releases on JDK 17, and " + version + " is not one";
  }

  /** Whether the image names a version local mode would try to run (the fetch may still fail). */
  public boolean knowsImage(String image) {
    String version = versionOf(image);
    return version != null && (version.equals(bundledVersion) || (cacheDir != null && whyNotRunnable(version) == null));
  }

  /**
   * The distribution that runs the image, starting its fetch on first use.
   *
   * @throws Unavailable waiting while the fetch runs; not waiting when the image is not one local mode runs or its
   *     release cannot be fetched
   */
  public CassandraDistribution distributionFor(String image) throws Unavailable {
    String version = versionOf(image);
    String fix = "; set spec.cassandraVersion to a 5.0 release, e.g. spec.cassandraVersion: \"" + bundledVersion
        + "\", and remove spec.image";
    if (version == null) {
      throw new Unavailable("UnsupportedImage", "local mode runs only the stock image cassandra:<version> (Cassandra"
          + " from Maven Central), not '" + image + "'" + fix, false);
    }
    if (version.equals(bundledVersion)) {
      return bundled;
    }
    String why = whyNotRunnable(version);
    if (why != null) {
      throw new Unavailable("UnsupportedImage", "image '" + image + "': " + why + fix, false);
    }
    if (cacheDir == null) {
      throw new Unavailable("UnsupportedImage", "image '" + image + "': local mode here runs only cassandra:"
          + bundledVersion + " (Cassandra " + bundledVersion + " from Maven Central)" + fix, false);
    }
    Path dir = cacheDir.resolve(version);
    if (isComplete(dir)) {
      return withLib(dir);
    }
    CompletableFuture<Path> fetch = fetches.computeIfAbsent(version, fetcher);
    if (!fetch.isDone()) {
      throw new Unavailable("FetchingCassandra", "image '" + image + "': fetching cassandra-all " + version
          + " and its dependencies from Maven Central into " + dir + " (first use of this version)", true);
    }
    try {
      return withLib(fetch.join());
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new Unavailable("UnsupportedImage", "image '" + image + "': cassandra-all " + version
          + " could not be fetched from Maven Central (" + cause.getMessage() + ")" + fix, false);
    }
  }

  /** The distribution of a version, fetching it now when needed (for tests and the command line). */
  public CassandraDistribution await(String version, Duration timeout) throws Unavailable {
    String image = "cassandra:" + version;
    try {
      return distributionFor(image);
    } catch (Unavailable e) {
      if (!e.waiting()) {
        throw e;
      }
    }
    try {
      fetches.get(version).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("FetchingCassandra", "interrupted while fetching " + version, true);
    } catch (ExecutionException e) {
      // reported by distributionFor below
    } catch (TimeoutException e) {
      throw new Unavailable("FetchingCassandra", "fetching cassandra-all " + version + " took over " + timeout, true);
    }
    return distributionFor(image);
  }

  private CassandraDistribution withLib(Path lib) {
    return new CassandraDistribution(bundled.java(), lib, bundled.agentJar());
  }

  static boolean isComplete(Path dir) {
    return Files.isRegularFile(dir.resolve(COMPLETE));
  }

  /** The pom whose runtime dependencies are exactly cassandra-all's (no parent, no dependency management). */
  static String pom(String version) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>io.ringkeeper</groupId>
          <artifactId>ringkeeper-cassandra-fetch</artifactId>
          <version>0</version>
          <packaging>pom</packaging>
          <dependencies>
            <dependency>
              <groupId>org.apache.cassandra</groupId>
              <artifactId>cassandra-all</artifactId>
              <version>%s</version>
            </dependency>
          </dependencies>
        </project>
        """.formatted(version);
  }

  /**
   * The Maven command that copies the release's runtime jars into {@code out}; {@code -U} so that a failure Maven
   * cached (a network hiccup on an earlier try) is retried.
   */
  static List<String> mavenCommand(String mvn, String repo, Path pom, Path out) {
    List<String> command = new ArrayList<>(List.of(mvn, "-B", "-q", "-ntp", "-U", "-Dstyle.color=never", "-f",
        pom.toString()));
    if (repo != null && !repo.isBlank()) {
      command.add("-Dmaven.repo.local=" + repo);
    }
    command.addAll(List.of("org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
        "-DincludeScope=runtime", "-DoutputDirectory=" + out));
    return command;
  }

  /** -D{@value #MAVEN_PROPERTY}, else {@code $maven.home/bin/mvn}, else {@code mvn} on the PATH. */
  static String mvn() {
    String configured = System.getProperty(MAVEN_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String home = System.getProperty("maven.home");
    if (home != null && Files.isExecutable(Paths.get(home, "bin", "mvn"))) {
      return Paths.get(home, "bin", "mvn").toString();
    }
    return "mvn";
  }

  private Path mavenFetch(String version) {
    Path dir = cacheDir.resolve(version);
    long started = System.nanoTime();
    Path tmp = null;
    try {
      Files.createDirectories(cacheDir);
      tmp = Files.createTempDirectory(cacheDir, version + ".fetch-");
      Path pom = tmp.resolve("pom.xml");
      Files.writeString(pom, pom(version), StandardCharsets.UTF_8);
      Path lib = tmp.resolve("lib");
      Path log = tmp.resolve("mvn.log");
      Process p = new ProcessBuilder(mavenCommand(mvn(), System.getProperty(MAVEN_REPO_PROPERTY), pom, lib))
          .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("Maven took over 15 minutes");
      }
      if (p.exitValue() != 0 || !hasJar(lib, "cassandra-all-" + version + ".jar")) {
        throw new IllegalStateException("Maven exited " + p.exitValue() + ": " + lastLines(log));
      }
      Files.writeString(lib.resolve(COMPLETE), version + "\n", StandardCharsets.UTF_8);
      if (Files.exists(dir) && !isComplete(dir)) {
        deleteQuietly(dir); // left by a fetch that was stopped half way
      }
      try {
        Files.move(lib, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!isComplete(dir)) { // another process may have finished the same fetch first
          throw e;
        }
      }
      LOG.info("fetched Cassandra {} into {} in {} s", version, dir, (System.nanoTime() - started) / 1_000_000_000L);
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException(e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static boolean hasJar(Path lib, String name) {
    return Files.isRegularFile(lib.resolve(name));
  }

  /** Maven's first [ERROR] line (the failed goal and why), else its last three lines; colours stripped. */
  static String lastLines(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .map(l -> l.replaceAll("\u001B\\[[0-9;]*m", "").strip()).filter(l -> !l.isEmpty()).toList();
      String text = lines.stream().filter(l -> l.startsWith("[ERROR]") && l.length() > "[ERROR]".length())
          .findFirst().map(l -> l.replaceFirst(" -> \\[Help \\d+\\]$", ""))
          .orElse(String.join(" ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
      return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    } catch (IOException e) {
      return "no log: " + e.getMessage();
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("could not remove {}: {}", dir, e.toString());
    }
  }
}
