package io.ringkeeper.agent;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's settings, parsed from the {@code -javaagent} argument.
 *
 * <p>Format: comma-separated {@code key=value} pairs, e.g.
 * {@code address=10.0.0.5,port=8778,tokenFile=/etc/ringkeeper/agent/token}.
 *
 * <ul>
 *   <li>{@code address}: IP address (or host name) to bind; default {@code 127.0.0.1}, so an agent started
 *       without an address is reachable from the node itself only. Pods pass their pod IP.
 *   <li>{@code port}: TCP port, 1..65535; default 8778.
 *   <li>{@code tokenFile}: file holding the bearer token (surrounding whitespace ignored); required.
 *   <li>{@code maxBodyBytes}: largest request body accepted, 1..1048576; default 65536.
 *   <li>{@code threads}: HTTP worker threads, 1..16; default 2.
 *   <li>{@code tlsDir}: a directory holding {@code tls.crt}, {@code tls.key} (PKCS#8 PEM) and {@code ca.crt}; when
 *       given, the agent serves HTTPS only, with that pair, and follows changes of the files. Default: plain HTTP.
 *   <li>{@code tlsReloadSeconds}: how often the files of {@code tlsDir} are checked for a change, 1..3600;
 *       default 10. Only with {@code tlsDir}.
 * </ul>
 *
 * Unknown keys and malformed values are errors: a typo must not silently fall back to a default.
 */
public final class AgentConfig {
  public static final int DEFAULT_PORT = 8778;
  public static final String DEFAULT_ADDRESS = "127.0.0.1";
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final int DEFAULT_THREADS = 2;
  public static final int DEFAULT_TLS_RELOAD_SECONDS = 10;

  private final String address;
  private final int port;
  private final Path tokenFile;
  private final int maxBodyBytes;
  private final int threads;
  private final Path tlsDir;
  private final int tlsReloadSeconds;

  public AgentConfig(String address, int port, Path tokenFile, int maxBodyBytes, int threads) {
    this(address, port, tokenFile, maxBodyBytes, threads, null, DEFAULT_TLS_RELOAD_SECONDS);
  }

  /** @param tlsDir null for plain HTTP */
  public AgentConfig(String address, int port, Path tokenFile, int maxBodyBytes, int threads, Path tlsDir,
      int tlsReloadSeconds) {
    this.address = address;
    this.port = port;
    this.tokenFile = tokenFile;
    this.maxBodyBytes = maxBodyBytes;
    this.threads = threads;
    this.tlsDir = tlsDir;
    this.tlsReloadSeconds = tlsReloadSeconds;
  }

  /** Parses the agent argument; the message of the exception names the offending key and the fix. */
  public static AgentConfig parse(String args) {
    Map<String, String> values = new LinkedHashMap<>();
    if (args != null && !args.isBlank()) {
      for (String pair : args.split(",")) {
        String trimmed = pair.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        int eq = trimmed.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "agent argument '" + trimmed + "' is not key=value; expected e.g. "
                  + "address=10.0.0.5,port=8778,tokenFile=/etc/ringkeeper/agent/token");
        }
        String key = trimmed.substring(0, eq).trim();
        String value = trimmed.substring(eq + 1).trim();
        if (values.put(key, value) != null) {
          throw new IllegalArgumentException("agent argument '" + key + "' is given twice");
        }
      }
    }
    for (String key : values.keySet()) {
      switch (key) {
        case "address":
        case "port":
        case "tokenFile":
        case "maxBodyBytes":
        case "threads":
        case "tlsDir":
        case "tlsReloadSeconds":
          break;
        default:
          throw new IllegalArgumentException("unknown agent argument '" + key
              + "'; known: address, port, tokenFile, maxBodyBytes, threads, tlsDir, tlsReloadSeconds");
      }
    }
    String address = values.getOrDefault("address", DEFAULT_ADDRESS);
    if (address.isEmpty()) {
      throw new IllegalArgumentException("agent argument 'address' is empty; give the IP address to bind");
    }
    int port = intValue(values, "port", DEFAULT_PORT, 1, 65535);
    String tokenFile = values.get("tokenFile");
    if (tokenFile == null || tokenFile.isEmpty()) {
      throw new IllegalArgumentException(
          "agent argument 'tokenFile' is required: the file holding the bearer token, "
              + "e.g. tokenFile=/etc/ringkeeper/agent/token");
    }
    int maxBody = intValue(values, "maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 1, 1024 * 1024);
    int threads = intValue(values, "threads", DEFAULT_THREADS, 1, 16);
    Path tlsDir = tlsDir(values.get("tlsDir"));
    if (tlsDir == null && values.containsKey("tlsReloadSeconds")) {
      throw new IllegalArgumentException(
          "agent argument 'tlsReloadSeconds' needs 'tlsDir': without a TLS directory there is nothing to reload");
    }
    int tlsReloadSeconds = intValue(values, "tlsReloadSeconds", DEFAULT_TLS_RELOAD_SECONDS, 1, 3600);
    return new AgentConfig(address, port, Paths.get(tokenFile), maxBody, threads, tlsDir, tlsReloadSeconds);
  }

  /**
   * Checks that the directory and its three files are there (their content is checked when the agent starts, and
   * on every change); the contract's directory is the node's TLS Secret mounted at /etc/ringkeeper/tls.
   */
  private static Path tlsDir(String raw) {
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty()) {
      throw new IllegalArgumentException("agent argument 'tlsDir' is empty; give the directory holding tls.crt, "
          + "tls.key and ca.crt, e.g. tlsDir=/etc/ringkeeper/tls, or leave it out for plain HTTP");
    }
    Path dir;
    try {
      dir = Paths.get(raw);
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("agent argument 'tlsDir=" + raw + "' is not a path");
    }
    if (!java.nio.file.Files.isDirectory(dir)) {
      throw new IllegalArgumentException("agent argument 'tlsDir=" + raw + "' is not a directory; mount the node's TLS "
          + "Secret there (tls.crt, tls.key, ca.crt) or leave tlsDir out for plain HTTP");
    }
    for (String file : new String[] {TlsMaterial.CERT_FILE, TlsMaterial.KEY_FILE, TlsMaterial.CA_FILE}) {
      if (!java.nio.file.Files.isRegularFile(dir.resolve(file))) {
        throw new IllegalArgumentException("agent argument 'tlsDir=" + raw + "': " + file + " is missing; the "
            + "directory must hold tls.crt (certificate, then chain), tls.key (PKCS#8 PEM key) and ca.crt");
      }
    }
    return dir;
  }

  private static int intValue(Map<String, String> values, String key, int dflt, int min, int max) {
    String raw = values.get(key);
    if (raw == null) {
      return dflt;
    }
    int value;
    try {
      value = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("agent argument '" + key + "=" + raw + "' is not a whole number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "agent argument '" + key + "=" + raw + "' is out of range " + min + ".." + max);
    }
    return value;
  }

  public String address() {
    return address;
  }

  public int port() {
    return port;
  }

  public Path tokenFile() {
    return tokenFile;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  public int threads() {
    return threads;
  }

  /** The TLS directory, or null for plain HTTP. */
  public Path tlsDir() {
    return tlsDir;
  }

  public int tlsReloadSeconds() {
    return tlsReloadSeconds;
  }

  @Override
  public String toString() {
    // The token file's path is not secret; its content is never read into this object.
    return "address=" + address + ",port=" + port + ",tokenFile=" + tokenFile + ",maxBodyBytes=" + maxBodyBytes
        + ",threads=" + threads + (tlsDir == null ? "" : ",tlsDir=" + tlsDir + ",tlsReloadSeconds=" + tlsReloadSeconds);
  }
}
