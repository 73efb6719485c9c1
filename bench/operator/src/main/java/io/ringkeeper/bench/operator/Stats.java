package io.ringkeeper.bench.operator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Order statistics of repeated measurements: min, median, max, and percentiles (nearest rank). */
record Stats(List<Double> sorted) {
  static Stats of(Collection<? extends Number> values) {
    List<Double> sorted = new ArrayList<>();
    values.forEach(v -> sorted.add(v.doubleValue()));
    sorted.sort(Double::compare);
    if (sorted.isEmpty()) {
      throw new IllegalArgumentException("no measurements");
    }
    return new Stats(List.copyOf(sorted));
  }

  double min() {
    return sorted.get(0);
  }

  double max() {
    return sorted.get(sorted.size() - 1);
  }

  double median() {
    return percentile(50);
  }

  /** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
  double percentile(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  int count() {
    return sorted.size();
  }

  /** "min / median / max" with the given number of decimals. */
  String mmm(int decimals) {
    return fmt(min(), decimals) + " / " + fmt(median(), decimals) + " / " + fmt(max(), decimals);
  }

  static String fmt(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
