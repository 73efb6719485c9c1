package io.ringkeeper.local.cassandra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts Cassandra 5.0 nodes as separate {@code java} processes, each from the same jar directory and
 * with its own configuration, data and log directories.
 *
 * <p>The launcher adds only what every node needs on JDK 17: the {@code --add-exports}/{@code --add-opens}
 * of Cassandra's {@code jvm17-server.options}, the paths of the configuration files and of the storage
 * directory, and foreground mode. Everything else (heap, agent, tokens, settings) is the spec's JVM options.
 * Cassandra's remote JMX stays off (no {@code cassandra.jmx.*.port}), so nodes on one machine do not
 * compete for port 7199, and the agent needs none.
 */
public final class CassandraLauncher {
  public static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";

  /** Cassandra 5.0's conf/jvm17-server.options: the JDK internals it reaches into. */
  static final List<String> JDK17_OPTIONS = List.of(
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports=java.sql/java.sql=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.math=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED");

  private final CassandraDistribution distribution;

  public CassandraLauncher(CassandraDistribution distribution) {
    this.distribution = Objects.requireNonNull(distribution, "distribution");
  }

  public CassandraDistribution distribution() {
    return distribution;
  }

  /** Starts the node and returns at once; readiness is for the caller to wait for (through the agent). */
  public CassandraProcess start(CassandraNodeSpec spec) throws IOException {
    return start(spec, distribution);
  }

  /** Starts the node from another release's jars (same java and agent); null: the launcher's own. */
  public CassandraProcess start(CassandraNodeSpec spec, CassandraDistribution release) throws IOException {
    for (Path required : List.of(configFile(spec, CONFIG_PROPERTY, "cassandra.yaml"),
        configFile(spec, RACKDC_PROPERTY, "cassandra-rackdc.properties"))) {
      if (!Files.isRegularFile(required)) {
        throw new IOException(spec.name() + ": " + required + " is missing; the caller writes it before start");
      }
    }
    Files.createDirectories(spec.dataDir());
    Files.createDirectories(spec.logDir());
    Path logback = spec.configDir().resolve("logback.xml");
    if (!Files.exists(logback)) {
      Files.writeString(logback, logbackXml(spec.logDir().resolve("system.log")), StandardCharsets.UTF_8);
    }
    Path stdout = spec.logDir().resolve("stdout.log");
    ProcessBuilder builder = new ProcessBuilder(command(spec, release))
        .directory(spec.dataDir().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()));
    // Options meant for the JVM running the launcher (a test's agent, a debugger) must not leak into nodes.
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    return new CassandraProcess(spec, builder.start(), stdout);
  }

  /** The full command line of a node. */
  public List<String> command(CassandraNodeSpec spec) throws IOException {
    return command(spec, distribution);
  }

  /** The full command line of a node running {@code release}'s jars (null: the launcher's own). */
  public List<String> command(CassandraNodeSpec spec, CassandraDistribution release) throws IOException {
    CassandraDistribution run = release != null ? release : distribution;
    List<String> command = new ArrayList<>();
    command.add(run.java().toString());
    command.addAll(JDK17_OPTIONS);
    // A pod's own options name its configuration files (the mounted ConfigMap); otherwise they are in configDir.
    if (optionValue(spec, CONFIG_PROPERTY) == null) {
      command.add("-D" + CONFIG_PROPERTY + "=" + spec.configDir().resolve("cassandra.yaml").toUri());
    }
    if (optionValue(spec, RACKDC_PROPERTY) == null) {
      command.add("-D" + RACKDC_PROPERTY + "=" + spec.configDir().resolve("cassandra-rackdc.properties").toUri());
    }
    command.add("-Dlogback.configurationFile=" + spec.configDir().resolve("logback.xml").toUri());
    command.add("-Dcassandra.storagedir=" + spec.dataDir().toAbsolutePath());
    command.add("-Dcassandra.logdir=" + spec.logDir().toAbsolutePath());
    command.add("-Dcassandra-foreground=yes");
    command.add("-Djava.net.preferIPv4Stack=true");
    // Stop rather than limp on after an OutOfMemoryError, as Cassandra's own start script does.
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-Dringkeeper.node=" + spec.name()); // names the process in `ps` output
    command.addAll(spec.jvmOptions());
    command.add("-cp");
    command.add(run.classpath());
    command.add(MAIN_CLASS);
    return command;
  }

  static final String CONFIG_PROPERTY = "cassandra.config";
  static final String RACKDC_PROPERTY = "cassandra-rackdc.properties";

  /** The value of {@code -Dname=...} among the node's own options (the last one wins, as in the JVM), or null. */
  static String optionValue(CassandraNodeSpec spec, String name) {
    String value = null;
    for (String option : spec.jvmOptions()) {
      if (option.startsWith("-D" + name + "=")) {
        value = option.substring(name.length() + 3);
      }
    }
    return value;
  }

  /** The configuration file the node will read: named by its options (a file: URL or a path), else in configDir. */
  static Path configFile(CassandraNodeSpec spec, String property, String defaultName) {
    String value = optionValue(spec, property);
    if (value == null) {
      return spec.configDir().resolve(defaultName);
    }
    return value.startsWith("file:") ? Path.of(java.net.URI.create(value)) : Path.of(value);
  }

  static String logbackXml(Path logFile) {
    String file = logFile.toAbsolutePath().toString().replace("&", "&amp;").replace("<", "&lt;");
    return """
        <configuration scan="false">
          <appender name="FILE" class="ch.qos.logback.core.FileAppender">
            <file>%s</file>
            <append>true</append>
            <encoder>
              <pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern>
            </encoder>
          </appender>
          <root level="INFO">
            <appender-ref ref="FILE"/>
          </root>
        </configuration>
        """.formatted(file);
  }
}
