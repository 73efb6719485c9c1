package io.ringkeeper.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chart's alert rules as a Prometheus rules file, for {@code local up --prometheus}: the {@code spec} of
 * {@code helm/ringkeeper/templates/prometheusrule.yaml} with its thresholds ({@code {{ $r.NAME }}}) taken from
 * {@code prometheusRule.NAME} of the chart's {@code values.yaml}, and its escaped Prometheus templates
 * ({@code {{ "{{ $labels.node }}" }}}) unescaped, as {@code helm template} would render it with the default values.
 * Local mode runs without Helm, and these are the only two template forms the rule groups use: anything else left in
 * them is refused with the line, so a new construct in the chart cannot slip through half-rendered.
 */
final class ChartAlertRules {
  static final String TEMPLATE = "templates/prometheusrule.yaml";
  private static final Pattern VALUE = Pattern.compile("\\{\\{ \\$r\\.([A-Za-z0-9_]+) \\}\\}");
  private static final Pattern LITERAL = Pattern.compile("\\{\\{ \"([^\"]*)\" \\}\\}");

  private ChartAlertRules() {}

  /** The rules file of the chart in {@code chart}; throws with the file and the reason when it cannot. */
  static String render(Path chart) throws IOException {
    Path template = chart.resolve(TEMPLATE);
    Path valuesFile = chart.resolve("values.yaml");
    if (!Files.isRegularFile(template) || !Files.isRegularFile(valuesFile)) {
      throw new IllegalStateException("no chart at " + chart + " (" + TEMPLATE + " and values.yaml): the alert rules"
          + " come from helm/ringkeeper of the checkout; run ringkeeper from it");
    }
    JsonNode values;
    try {
      values = new YAMLMapper().readTree(valuesFile.toFile()).path("prometheusRule");
    } catch (IOException e) {
      throw new IllegalStateException(valuesFile + " is no valid YAML: " + e.getMessage(), e);
    }
    List<String> lines = Files.readAllLines(template, StandardCharsets.UTF_8);
    int spec = lines.indexOf("spec:");
    if (spec < 0) {
      throw new IllegalStateException(template + ": no 'spec:' line");
    }
    StringBuilder out = new StringBuilder("# The alert rules of ").append(template)
        .append(", rendered with the values of ").append(valuesFile).append(".\n");
    for (int i = spec + 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.strip().startsWith("{{-") && line.strip().endsWith("}}")) {
        continue; // the chart's if/end around the whole resource
      }
      Matcher m = VALUE.matcher(line);
      StringBuilder rendered = new StringBuilder();
      while (m.find()) {
        JsonNode value = values.path(m.group(1));
        if (value.isMissingNode() || value.isNull() || value.isContainerNode()) {
          throw new IllegalStateException(template + " line " + (i + 1) + " uses $r." + m.group(1)
              + " but " + valuesFile + " has no scalar prometheusRule." + m.group(1));
        }
        m.appendReplacement(rendered, Matcher.quoteReplacement(value.asText()));
      }
      m.appendTail(rendered);
      String text = LITERAL.matcher(rendered).replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
      if (text.contains("$r.") || text.contains(".Values") || text.contains("{{-") || text.contains("{{ \"")
          || text.contains("include ")) {
        throw new IllegalStateException(template + " line " + (i + 1) + " has a Helm construct local mode cannot"
            + " render: " + line.strip());
      }
      out.append(text.startsWith("  ") ? text.substring(2) : text).append('\n');
    }
    String rules = out.toString();
    JsonNode groups;
    try {
      groups = new YAMLMapper().readTree(rules).path("groups");
    } catch (IOException e) {
      throw new IllegalStateException(template + " rendered to no valid YAML: " + e.getMessage(), e);
    }
    if (!groups.isArray() || groups.isEmpty()) {
      throw new IllegalStateException(template + ": no rule groups under spec.groups");
    }
    return rules;
  }

  /** The alert names of a rendered rules file, in order. */
  static List<String> alerts(String rules) throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode group : new YAMLMapper().readTree(rules).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          names.add(rule.path("alert").asText());
        }
      }
    }
    return names;
  }
}
