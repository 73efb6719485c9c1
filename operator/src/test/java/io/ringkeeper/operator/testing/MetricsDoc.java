package io.ringkeeper.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The series listed in docs/metrics.md: table rows whose first cell is a series name in backticks. */
public final class MetricsDoc {
  private MetricsDoc() {}

  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z_:][a-z0-9_:]*)`\\s*\\|\\s*(\\w+)\\s*\\|"
      + "[^|]*\\|\\s*([^|]*?)\\s*\\|");

  /** A documented series, its type and when it is present ("always", or the condition). */
  public record Entry(String series, String type, String present) {
    public boolean always() {
      return present.equals("always");
    }
  }

  public static Path path() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs/metrics.md"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("docs/metrics.md not found above " + Path.of("").toAbsolutePath());
    }
    return dir.resolve("docs/metrics.md");
  }

  public static List<Entry> read() {
    try {
      List<Entry> entries = new ArrayList<>();
      for (String line : Files.readAllLines(path())) {
        Matcher m = ROW.matcher(line);
        if (m.find()) {
          entries.add(new Entry(m.group(1), m.group(2), m.group(3)));
        }
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
