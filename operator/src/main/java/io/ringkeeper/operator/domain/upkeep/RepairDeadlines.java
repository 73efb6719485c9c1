package io.ringkeeper.operator.domain.upkeep;

import io.ringkeeper.operator.domain.repair.RepairKeyspace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Whether repaired keyspaces are overdue: a keyspace is overdue when it was not repaired within gc_grace_seconds
 * of its last repair (or, never repaired, of the cluster's creation); past that, deleted data may reappear. Pure.
 */
public final class RepairDeadlines {
  private RepairDeadlines() {}

  /**
   * A keyspace's entry in {@code status.repair.keyspaces}.
   *
   * @param lastCompleted when a whole-ring run last repaired it; null: never
   * @param gcGraceSeconds its smallest gc_grace_seconds; null: not known yet
   * @param overdue not repaired within gc_grace_seconds; null: not known yet
   */
  public record KeyspaceRecord(String name, Instant lastCompleted, Integer gcGraceSeconds, Boolean overdue) {
    public KeyspaceRecord {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * @param keyspaces the next entries, sorted by name
   * @param overdue the overdue keyspaces, each with how long since their last repair, for people
   */
  public record Overdue(List<KeyspaceRecord> keyspaces, List<String> overdue) {}

  /**
   * Records gc_grace_seconds per repaired keyspace and whether each is overdue; drops entries of keyspaces no
   * longer repaired that never completed a repair.
   *
   * @param repaired the keyspaces a whole-ring run repairs
   * @param schema the keyspaces as a node reports them
   * @param created when the cluster was created; null: not known
   */
  public static Overdue overdue(List<KeyspaceRecord> records, List<String> repaired, List<RepairKeyspace> schema,
      Instant created, Instant now) {
    List<String> overdue = new ArrayList<>();
    Set<String> repairedSet = new LinkedHashSet<>(repaired);
    List<KeyspaceRecord> out = new ArrayList<>(records);
    out.removeIf(k -> !repairedSet.contains(k.name()) && k.lastCompleted() == null);
    for (RepairKeyspace ks : schema) {
      if (!repairedSet.contains(ks.name())) {
        continue;
      }
      KeyspaceRecord entry = find(out, ks.name());
      Instant since = entry.lastCompleted() != null ? entry.lastCompleted() : created;
      boolean late = ks.gcGraceSeconds() > 0 && since != null
          && Duration.between(since, now).getSeconds() > ks.gcGraceSeconds();
      out.set(out.indexOf(entry), new KeyspaceRecord(entry.name(), entry.lastCompleted(), ks.gcGraceSeconds(), late));
      if (late) {
        overdue.add(ks.name() + " (" + (entry.lastCompleted() == null ? "never repaired"
            : "last repaired " + entry.lastCompleted()) + ", gc_grace_seconds " + ks.gcGraceSeconds() + ")");
      }
    }
    return new Overdue(List.copyOf(out), overdue);
  }

  /** The earliest time a keyspace not overdue yet becomes overdue. */
  public static Optional<Instant> nextDeadline(List<KeyspaceRecord> records, Instant created) {
    Instant earliest = null;
    for (KeyspaceRecord k : records) {
      Instant since = k.lastCompleted() != null ? k.lastCompleted() : created;
      if (Boolean.TRUE.equals(k.overdue()) || since == null || k.gcGraceSeconds() == null
          || k.gcGraceSeconds() <= 0) {
        continue;
      }
      Instant deadline = since.plusSeconds(k.gcGraceSeconds());
      earliest = earliest == null || deadline.isBefore(earliest) ? deadline : earliest;
    }
    return Optional.ofNullable(earliest);
  }

  /** The entry of {@code name}, added in name order when there is none. */
  private static KeyspaceRecord find(List<KeyspaceRecord> records, String name) {
    for (KeyspaceRecord k : records) {
      if (name.equals(k.name())) {
        return k;
      }
    }
    KeyspaceRecord k = new KeyspaceRecord(name, null, null, null);
    records.add(k);
    records.sort(Comparator.comparing(KeyspaceRecord::name));
    return k;
  }
}
