package io.ringkeeper.operator.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape in Prometheus' text format, parsed into samples (enough for tests: no escapes inside label values). */
public final class PrometheusText {
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final List<String> SUFFIXES = List.of("", "_bucket", "_count", "_sum", "_max", "_total",
      "_created", "_info");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      } else {
        name = line.substring(0, line.indexOf(' '));
      }
      String value = line.substring(space + 1);
      samples.add(new Sample(name, labels, value.equals("+Inf") ? Double.POSITIVE_INFINITY
          : value.equals("-Inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(value)));
    }
    return new PrometheusText(samples);
  }

  public List<Sample> samples() {
    return samples;
  }

  /** Every sample name. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }

  /**
   * Whether a series (a metric family's name, as a dashboard or alert names it) is in the scrape: a sample of
   * that name, or of that name with a histogram, summary or counter suffix.
   */
  public boolean has(String series) {
    Set<String> names = names();
    return SUFFIXES.stream().anyMatch(suffix -> names.contains(series + suffix));
  }

  public List<Sample> samples(String name, Predicate<Map<String, String>> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && labels.test(s.labels())).toList();
  }

  public List<Sample> samples(String name) {
    return samples(name, l -> true);
  }
}
