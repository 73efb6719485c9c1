package io.ringkeeper.local.kubelet;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The pod network of local mode: every pod ({@code namespace/name}) gets its own loopback address, counted up
 * from a base ({@code 127.10.0.0} gives 127.10.0.1, 127.10.0.2, ...; past .250 the third octet moves on). A
 * pod keeps its address for good, also across restarts of local mode when the pool is stored in a file, so a
 * recreated pod is found at the same address by its peers.
 *
 * <p>Addresses are also handed out before a pod exists, when another pod's configuration names it (a seed list
 * of DNS names): that is what cluster DNS answers for a headless Service.
 */
public final class AddressPool {
  private static final int PER_BLOCK = 250;
  private final int[] base;
  private final Path file;
  private final Map<String, String> assigned = new LinkedHashMap<>();

  /**
   * @param base a 127.a.b.0 address; pods get 127.a.b.1 and up
   * @param file where the assignments are kept (null: memory only)
   */
  public AddressPool(String base, Path file) {
    this.base = parse(base);
    this.file = file;
    if (file != null && Files.isRegularFile(file)) {
      Properties stored = new Properties();
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        stored.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
      new TreeMap<>(stored).forEach((k, v) -> assigned.put((String) k, (String) v));
    }
  }

  static int[] parse(String base) {
    String[] parts = base.split("\\.");
    if (parts.length != 4 || !parts[0].equals("127")) {
      throw new IllegalArgumentException("the address base must be a 127.x.y.0 loopback address, not '" + base
          + "'; e.g. 127.10.0.0");
    }
    int[] octets = new int[4];
    for (int i = 0; i < 4; i++) {
      try {
        octets[i] = Integer.parseInt(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the address base '" + base + "' is not an IPv4 address; e.g. 127.10.0.0");
      }
      if (octets[i] < 0 || octets[i] > 255) {
        throw new IllegalArgumentException("the address base '" + base + "' is not an IPv4 address; e.g. 127.10.0.0");
      }
    }
    return octets;
  }

  /** The address of a pod, assigned now if it has none. */
  public synchronized String addressOf(String namespace, String pod) {
    String key = namespace + "/" + pod;
    String address = assigned.get(key);
    if (address == null) {
      address = nth(assigned.size());
      assigned.put(key, address);
      save();
    }
    return address;
  }

  /** The pod at an address, or null. */
  public synchronized String podAt(String address) {
    return assigned.entrySet().stream().filter(e -> e.getValue().equals(address)).map(Map.Entry::getKey)
        .findFirst().orElse(null);
  }

  private String nth(int index) {
    int block = base[2] + index / PER_BLOCK;
    int last = base[3] + 1 + index % PER_BLOCK;
    if (block > 255 || last > 255) {
      throw new IllegalStateException("the address pool from " + base[0] + "." + base[1] + "." + base[2] + "."
          + base[3] + " is exhausted");
    }
    return base[0] + "." + base[1] + "." + block + "." + last;
  }

  private void save() {
    if (file == null) {
      return;
    }
    Properties stored = new Properties();
    stored.putAll(assigned);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        stored.store(out, "pod addresses of local mode (namespace/pod=address)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
