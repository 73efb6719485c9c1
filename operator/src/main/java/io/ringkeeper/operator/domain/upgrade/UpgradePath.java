package io.ringkeeper.operator.domain.upgrade;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Cassandra version changes the operator carries out, as pure rules on two versions.
 *
 * <p>The rules, in the order they are checked ({@link #check}):
 * <ol>
 *   <li>both versions are releases {@code MAJOR.MINOR.PATCH} of a release line the operator knows (3.0, 3.11, 4.0,
 *       4.1, 5.0); anything else is refused as unknown;
 *   <li>the same version is no change;
 *   <li>a downgrade (to an older release) is refused: a node cannot read back the files (sstables, commit log,
 *       system tables) a newer release wrote. The one exception is {@link #rollbackAllowed}, a separate decision;
 *   <li>within a major, patch and minor upgrades are allowed (5.0.6 -> 5.0.9, 4.0 -> 4.1);
 *   <li>to the next major, only from the lines Cassandra supports upgrading from (4.0 and 4.1 -> 5.0, 3.0 and 3.11
 *       -> 4.x);
 *   <li>skipping a major (3.x -> 5.0) is refused: first upgrade to the major in between.
 * </ol>
 * Each refusal names the field that asked for the version and the fix.
 */
public final class UpgradePath {
  private static final Pattern RELEASE = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})\\.(\\d{1,4})");
  /** The release lines of Apache Cassandra the rules know. */
  static final Set<String> KNOWN_LINES = Set.of("3.0", "3.11", "4.0", "4.1", "5.0");
  /** Per major, the lines of the previous major Cassandra supports a direct upgrade from. */
  static final Map<Integer, Set<String>> DIRECT_FROM = Map.of(4, Set.of("3.0", "3.11"), 5, Set.of("4.0", "4.1"));

  private UpgradePath() {}

  /** A parsed release version, ordered by major, minor, patch. */
  public record Release(int major, int minor, int patch) implements Comparable<Release> {
    public String line() {
      return major + "." + minor;
    }

    @Override
    public int compareTo(Release o) {
      int c = Integer.compare(major, o.major);
      if (c == 0) {
        c = Integer.compare(minor, o.minor);
      }
      return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
      return major + "." + minor + "." + patch;
    }
  }

  /**
   * The answer: allowed, or refused for a reason that says the fix.
   *
   * @param field the field that asked for the version; null when allowed
   * @param reason why it is refused and the fix, without the field; null when allowed
   */
  public record Decision(boolean allowed, String field, String reason) {
    static final Decision ALLOWED = new Decision(true, null, null);

    static Decision refused(String field, String reason) {
      return new Decision(false, Objects.requireNonNull(field), Objects.requireNonNull(reason));
    }

    /** {@code <field>: <reason>}, or null when allowed. */
    public String message() {
      return allowed ? null : field + ": " + reason;
    }
  }

  /** A release version, or empty when the text is not {@code MAJOR.MINOR.PATCH}. */
  public static Optional<Release> parse(String version) {
    Matcher m = RELEASE.matcher(version == null ? "" : version.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Release(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3))));
  }

  /**
   * Whether the nodes running {@code from} may be changed to {@code to}.
   *
   * @param field the field that asked for {@code to} ({@code spec.cassandraVersion} or {@code spec.image}), named
   *     in the refusal
   */
  public static Decision check(String from, String to, String field) {
    Optional<Release> target = parse(to);
    if (target.isEmpty()) {
      return Decision.refused(field, "'" + to + "' is not a Cassandra release version (MAJOR.MINOR.PATCH); write"
          + " a release such as 5.0.9");
    }
    Optional<Release> current = parse(from);
    if (current.isEmpty()) {
      return Decision.refused(field, "the nodes report version '" + from + "', which is not a Cassandra release"
          + " version, so the path to " + to + " cannot be checked; keep " + field + " at what the nodes run until"
          + " they report a release version");
    }
    Release f = current.get();
    Release t = target.get();
    if (!KNOWN_LINES.contains(t.line())) {
      return Decision.refused(field, to + " is not a release line the operator knows (" + known()
          + "); use a release of a known line, e.g. 5.0.9");
    }
    if (!KNOWN_LINES.contains(f.line())) {
      return Decision.refused(field, "the nodes run " + from + ", not a release line the operator knows ("
          + known() + "), so no upgrade path from it is known; set " + field + " back to " + from);
    }
    int c = t.compareTo(f);
    if (c == 0) {
      return Decision.ALLOWED;
    }
    if (c < 0) {
      return Decision.refused(field, to + " would downgrade the nodes from " + from + "; Cassandra cannot"
          + " read back the files a newer release wrote, so downgrades are refused; set " + field + " back to "
          + from + " (or a later release)");
    }
    if (t.major() == f.major()) {
      return Decision.ALLOWED; // patch and minor upgrades within a major
    }
    if (t.major() - f.major() >= 2) {
      return Decision.refused(field, from + " -> " + to + " skips major " + (f.major() + 1) + "; Cassandra"
          + " upgrades one major at a time: first set " + field + " to the latest " + (f.major() + 1)
          + ".x release, let every node upgrade and run upgradesstables, then to " + to);
    }
    Set<String> direct = DIRECT_FROM.getOrDefault(t.major(), Set.of());
    if (!direct.contains(f.line())) {
      return Decision.refused(field, "Cassandra supports upgrading to " + t.major() + ".x only from "
          + String.join(" or ", direct.stream().sorted().toList()) + ", and the nodes run " + from + "; first"
          + " upgrade to the latest release of " + direct.stream().sorted().reduce((a, b) -> b).orElse("?"));
    }
    return Decision.ALLOWED;
  }

  /**
   * Whether nodes already upgraded to {@code from} may be returned to {@code to}: only back within the same patch
   * line (same major and minor, where the on-disk formats are the same), only while an upgrade is in progress,
   * and only before the second node has been upgraded ({@code nodesUpgraded} at most 1): past that, the cluster
   * has accepted writes on the new release from more than the canary.
   */
  public static Decision rollbackAllowed(String from, String to, boolean upgradeInProgress, int nodesUpgraded,
      String field) {
    Optional<Release> f = parse(from);
    Optional<Release> t = parse(to);
    if (f.isEmpty() || t.isEmpty()) {
      return Decision.refused(field, "'" + (f.isEmpty() ? from : to) + "' is not a Cassandra release version"
          + " (MAJOR.MINOR.PATCH); a rollback needs both versions");
    }
    if (t.get().compareTo(f.get()) >= 0) {
      return Decision.refused(field, from + " -> " + to + " is not a rollback (it does not go to an older"
          + " release); it is checked as an upgrade");
    }
    if (!t.get().line().equals(f.get().line())) {
      return Decision.refused(field, "rolling back from " + from + " to " + to + " crosses release lines ("
          + f.get().line() + " -> " + t.get().line() + "), whose files are not compatible; set " + field
          + " back to " + from);
    }
    if (!upgradeInProgress) {
      return Decision.refused(field, to + " would downgrade the nodes from " + from + " after the upgrade"
          + " finished; a rollback is possible only while an upgrade is in progress; set " + field + " back to "
          + from);
    }
    if (nodesUpgraded > 1) {
      return Decision.refused(field, nodesUpgraded + " nodes already run " + from + "; a rollback to " + to
          + " is possible only before the second node is upgraded; set " + field + " back to " + from
          + " and let the upgrade finish");
    }
    return Decision.ALLOWED;
  }

  /**
   * The check for a cluster whose nodes report {@code nodeVersions}, asked to run {@code to}: an upgrade from the
   * oldest version the nodes run; a target older than the newest is allowed only as a {@link #rollbackAllowed}
   * (an upgrade is in progress when the nodes disagree, and the nodes on the newest release are those upgraded).
   * Nodes that report no version yet are left out; with none, there is nothing to check.
   */
  public static Decision checkCluster(List<String> nodeVersions, String to, String field) {
    List<String> reported = nodeVersions.stream().filter(v -> v != null && !v.isBlank()).toList();
    if (reported.isEmpty()) {
      return parse(to).isPresent() ? Decision.ALLOWED : check(to, to, field);
    }
    Optional<String> malformed = reported.stream().filter(v -> parse(v).isEmpty()).findFirst();
    if (malformed.isPresent()) {
      return check(malformed.get(), to, field);
    }
    List<Release> releases = reported.stream().map(v -> parse(v).orElseThrow()).sorted().toList();
    Release oldest = releases.get(0);
    Release newest = releases.get(releases.size() - 1);
    Optional<Release> target = parse(to);
    if (target.isPresent() && target.get().compareTo(newest) < 0 && target.get().compareTo(oldest) >= 0) {
      int upgraded = (int) releases.stream().filter(newest::equals).count();
      return rollbackAllowed(newest.toString(), to, oldest.compareTo(newest) < 0, upgraded, field);
    }
    return check(oldest.toString(), to, field);
  }

  private static String known() {
    return String.join(", ", KNOWN_LINES.stream().sorted((a, b) -> parse(a + ".0").orElseThrow()
        .compareTo(parse(b + ".0").orElseThrow())).toList());
  }
}
