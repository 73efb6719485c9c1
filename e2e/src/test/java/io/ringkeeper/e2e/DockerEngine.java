package io.ringkeeper.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The private Docker engine of .ci/docker-engine (its own data root and socket), driven through the engine's own
 * CLI. Never the system engine: every command names the socket.
 */
final class DockerEngine {
  private static final File DEV_NULL = new File("/dev/null");
  private final Path root;
  private final Path socket;
  private final String cli;

  private DockerEngine(Path root) {
    this.root = root;
    this.socket = root.resolve("docker.sock");
    this.cli = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
  }

  /**
   * Starts (or finds running) the engine under {@code root} with the repository's script, which installs
   * docker.io when it is missing.
   *
   * @throws IllegalStateException with the script's reason when the engine cannot start
   */
  static DockerEngine start(Path repo, Path root) {
    Path script = repo.resolve(".ci/docker-engine");
    Result started = exec(List.of(script.toString(), "start", root.toString()), Duration.ofMinutes(5));
    if (started.code != 0) {
      throw new IllegalStateException("the Docker engine under " + root + " cannot start (" + script + " exited "
          + started.code + "): " + started.err.strip());
    }
    return new DockerEngine(root);
  }

  Path root() {
    return root;
  }

  Path socket() {
    return socket;
  }

  /** Runs a docker command; its stdout, stripped. */
  String run(String... args) {
    Result result = tryRun(Duration.ofMinutes(3), args);
    if (result.code != 0) {
      throw new IllegalStateException("docker " + String.join(" ", args) + " exited " + result.code + ": "
          + result.err.strip());
    }
    return result.out.strip();
  }

  Result tryRun(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of(cli, "-H", "unix://" + socket));
    command.addAll(List.of(args));
    return exec(command, timeout);
  }

  record Result(int code, String out, String err) {}

  private static Result exec(List<String> command, Duration timeout) {
    try {
      Path out = Files.createTempFile("docker", ".out");
      Path err = Files.createTempFile("docker", ".err");
      try {
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeout);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }
}
