package io.ringkeeper.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules, as the Prometheus Operator would hand them to Prometheus: {@code spec.groups} of the
 * rendered PrometheusRule written as a plain rules file, then checked and unit-tested by Debian's real
 * {@code promtool} against {@code helm/ringkeeper/tests/alerts.test.yaml} (series that fire each alert with its
 * labels and annotations, and a healthy cluster that fires none).
 */
class PrometheusRulesTest {
  static final Duration PROMTOOL_TIMEOUT = Duration.ofSeconds(60);
  static final Path WORK = Path.of("target/prometheus-rules").toAbsolutePath();

  static List<Map<String, Object>> groups;
  static Path rulesFile;

  @BeforeAll
  static void writeTheRenderedRulesAsAPlainRulesFile() throws Exception {
    Files.createDirectories(WORK);
    rulesFile = WORK.resolve("rules.yaml");
    groups = writeRenderedRules(rulesFile);
    // promtool resolves rule_files relative to the test file: both side by side.
    Files.copy(testsFile(), WORK.resolve("alerts.test.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** spec.groups of the chart's PrometheusRule, written to {@code file} as a Prometheus rules file; returns them. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> writeRenderedRules(Path file) throws Exception {
    Map<String, Object> rule = Chart.maps(Chart.renderAllOn()).stream()
        .filter(m -> "PrometheusRule".equals(m.get("kind"))).findFirst().orElseThrow();
    List<Map<String, Object>> groups = (List<Map<String, Object>>) ((Map<String, Object>) rule.get("spec"))
        .get("groups");
    Files.writeString(file, Serialization.asYaml(Map.of("groups", groups)));
    return groups;
  }

  static Path testsFile() {
    return Chart.dir().resolve("tests/alerts.test.yaml");
  }

  @Test
  void theRenderedAlertRulesPassPromtoolCheckRules() throws Exception {
    PrometheusTools.Result r = PrometheusTools.run(List.of(PrometheusTools.promtool().toString(), "check", "rules",
        rulesFile.toString()), WORK, PROMTOOL_TIMEOUT);
    assertThat(r.exit()).as("promtool check rules %s:\n%s", rulesFile, r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: " + alerts().size() + " rules found");
  }

  @Test
  void theAlertUnitTestsPassOnPromtoolTestRules() throws Exception {
    PrometheusTools.Result r = PrometheusTools.run(List.of(PrometheusTools.promtool().toString(), "test", "rules",
        "alerts.test.yaml"), WORK, PROMTOOL_TIMEOUT);
    System.out.println(r.output());
    assertThat(r.exit()).as("promtool test rules %s:\n%s", testsFile(), r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  /** Every alert is shown firing by at least one test case, and every alert is expected silent on a healthy cluster. */
  @Test
  @SuppressWarnings("unchecked")
  void everyAlertHasAFiringCaseAndIsSilentOnAHealthyCluster() throws Exception {
    Map<String, Object> tests = Serialization.unmarshal(Files.readString(testsFile()), Map.class);
    Set<String> firing = new TreeSet<>();
    Set<String> silentWhenHealthy = new TreeSet<>();
    for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
      String name = String.valueOf(test.get("name"));
      for (Map<String, Object> c : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
        List<?> expected = (List<?>) c.get("exp_alerts");
        if (expected != null && !expected.isEmpty()) {
          firing.add((String) c.get("alertname"));
        } else if (name.startsWith("healthy cluster")) {
          silentWhenHealthy.add((String) c.get("alertname"));
        }
      }
    }
    assertThat(firing).as("alerts with a firing test case").containsExactlyInAnyOrderElementsOf(alerts());
    assertThat(silentWhenHealthy).as("alerts expected silent in the 'healthy cluster' test")
        .containsExactlyInAnyOrderElementsOf(alerts());
  }

  /** The input series use only metric names the operator exports (OperatorContractTest proves the alerts do). */
  @Test
  @SuppressWarnings("unchecked")
  void theTestSeriesAreNamedAsTheAlertsNameThem() throws Exception {
    Set<String> inRules = new TreeSet<>();
    for (Map<String, Object> group : groups) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        inRules.addAll(OperatorContractTest.MetricNames.in(String.valueOf(rule.get("expr"))));
      }
    }
    Map<String, Object> tests = Serialization.unmarshal(Files.readString(testsFile()), Map.class);
    Set<String> inTests = new TreeSet<>();
    Pattern name = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)");
    for (Map<String, Object> test : (List<Map<String, Object>>) tests.get("tests")) {
      for (Map<String, Object> series : (List<Map<String, Object>>) test.getOrDefault("input_series", List.of())) {
        Matcher m = name.matcher(String.valueOf(series.get("series")));
        assertThat(m.find()).isTrue();
        inTests.add(m.group(1));
      }
    }
    assertThat(inRules).as("metric names of the alert rules, each fed by the tests").isSubsetOf(inTests);
    assertThat(inTests).as("metric names fed by the tests, each used by an alert").isSubsetOf(inRules);
  }

  @SuppressWarnings("unchecked")
  static List<String> alerts() {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> group : groups) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        names.add((String) rule.get("alert"));
      }
    }
    return names;
  }
}
