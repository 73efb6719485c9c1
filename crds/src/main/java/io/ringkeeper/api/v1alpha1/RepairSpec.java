package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * Subrange anti-entropy repair run by the operator: the ring is cut into segments that never cross a node's
 * range, and segments run through the node agents with pauses between them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RepairSpec {
  @JsonPropertyDescription(
      "Cron schedule (minute hour day-of-month month day-of-week, or @daily/@weekly...) of full repair runs,"
          + " e.g. '0 1 * * 0'. Empty: no scheduled runs (annotate ringkeeper.io/repair=<timestamp> for one"
          + " on demand). Every range must be repaired within gc_grace_seconds (10 days by default).")
  @Pattern(Patterns.CRON)
  private String schedule;

  @JsonPropertyDescription("IANA time zone of the schedule, e.g. Europe/Paris. Default UTC.")
  @Default("UTC")
  @Size(min = 1, max = 64)
  private String timeZone = "UTC";

  @JsonPropertyDescription(
      "Keyspaces to repair. Empty: every non-system keyspace replicated more than once in some datacenter.")
  @Size(max = 256)
  private List<String> keyspaces = new ArrayList<>();

  @JsonPropertyDescription(
      "Segments each node's ranges are cut into; more segments make each repair session smaller and shorter.")
  @Min(1)
  @Max(1024)
  @Default("16")
  private Integer segmentsPerNode = 16;

  @JsonPropertyDescription(
      "Sequential (one segment at a time), Parallel (segments with disjoint replicas at once) or"
          + " DatacenterAware (Parallel within one datacenter at a time).")
  @Default("Sequential")
  private RepairParallelism parallelism = RepairParallelism.Sequential;

  @JsonPropertyDescription(
      "Share of time spent repairing, 0 < intensity <= 1: after a segment that took d, the operator waits"
          + " d x (1/intensity - 1) before the next.")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @Default("0.5")
  private Double intensity = 0.5;

  @JsonPropertyDescription("A segment still running after this long is aborted and retried, e.g. 30m.")
  @Pattern(Patterns.DURATION)
  @Default("30m")
  private String segmentTimeout = "30m";

  @JsonPropertyDescription("How often a failed segment is retried before the run reports it failed.")
  @Min(0)
  @Max(10)
  @Default("3")
  private Integer segmentRetries = 3;

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public List<String> getKeyspaces() {
    return keyspaces;
  }

  public void setKeyspaces(List<String> keyspaces) {
    this.keyspaces = keyspaces;
  }

  public Integer getSegmentsPerNode() {
    return segmentsPerNode;
  }

  public void setSegmentsPerNode(Integer segmentsPerNode) {
    this.segmentsPerNode = segmentsPerNode;
  }

  public RepairParallelism getParallelism() {
    return parallelism;
  }

  public void setParallelism(RepairParallelism parallelism) {
    this.parallelism = parallelism;
  }

  public Double getIntensity() {
    return intensity;
  }

  public void setIntensity(Double intensity) {
    this.intensity = intensity;
  }

  public String getSegmentTimeout() {
    return segmentTimeout;
  }

  public void setSegmentTimeout(String segmentTimeout) {
    this.segmentTimeout = segmentTimeout;
  }

  public Integer getSegmentRetries() {
    return segmentRetries;
  }

  public void setSegmentRetries(Integer segmentRetries) {
    this.segmentRetries = segmentRetries;
  }
}
