package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Progress of a repair run, kept in status so an operator restart resumes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RepairRunStatus {
  @JsonPropertyDescription("Identifier of the run.")
  private String id;

  @JsonPropertyDescription("What started the run: Schedule, Annotation or HintWindow.")
  private String trigger;

  @JsonPropertyDescription("When the run started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("Keyspaces the run repairs.")
  private List<String> keyspaces = new ArrayList<>();

  @JsonPropertyDescription("Segments in the run, over all keyspaces.")
  private Integer segmentsTotal;

  @JsonPropertyDescription("Segments repaired so far.")
  private Integer segmentsDone;

  @JsonPropertyDescription(
      "Completed segment indexes as ranges, e.g. '0-11,14': the run resumes with the first index not listed.")
  private String completedSegments;

  @JsonPropertyDescription("Segments running now, with the node and agent job that runs each.")
  private List<RepairSegmentStatus> active = new ArrayList<>();

  @JsonPropertyDescription("Segments that failed after their retries, with the last error.")
  private List<RepairSegmentStatus> failed = new ArrayList<>();

  @JsonPropertyDescription("Earliest time the next segment may start (intensity pause), RFC 3339.")
  private String pausedUntil;

  @JsonPropertyDescription("Why the run is waiting, e.g. a replica is down.")
  private String postponedReason;

  @JsonPropertyDescription("Identifies the ring, keyspaces and settings the run was planned from; a run whose plan no longer matches is planned again.")
  private String planFingerprint;

  @JsonPropertyDescription("Hint-window runs: only the segments these nodes replicate. Empty: the whole ring.")
  private List<String> nodes = new ArrayList<>();

  @JsonPropertyDescription("Segments whose last attempt failed and that will be retried, with attempts so far and the error.")
  private List<RepairSegmentStatus> retrying = new ArrayList<>();

  @JsonPropertyDescription("Keyspaces left out of the run, each with the reason, e.g. 'cache: replication factor 1'.")
  private List<String> skippedKeyspaces = new ArrayList<>();

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getTrigger() {
    return trigger;
  }

  public void setTrigger(String trigger) {
    this.trigger = trigger;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public List<String> getKeyspaces() {
    return keyspaces;
  }

  public void setKeyspaces(List<String> keyspaces) {
    this.keyspaces = keyspaces;
  }

  public Integer getSegmentsTotal() {
    return segmentsTotal;
  }

  public void setSegmentsTotal(Integer segmentsTotal) {
    this.segmentsTotal = segmentsTotal;
  }

  public Integer getSegmentsDone() {
    return segmentsDone;
  }

  public void setSegmentsDone(Integer segmentsDone) {
    this.segmentsDone = segmentsDone;
  }

  public String getCompletedSegments() {
    return completedSegments;
  }

  public void setCompletedSegments(String completedSegments) {
    this.completedSegments = completedSegments;
  }

  public List<RepairSegmentStatus> getActive() {
    return active;
  }

  public void setActive(List<RepairSegmentStatus> active) {
    this.active = active;
  }

  public List<RepairSegmentStatus> getFailed() {
    return failed;
  }

  public void setFailed(List<RepairSegmentStatus> failed) {
    this.failed = failed;
  }

  public String getPausedUntil() {
    return pausedUntil;
  }

  public void setPausedUntil(String pausedUntil) {
    this.pausedUntil = pausedUntil;
  }

  public String getPostponedReason() {
    return postponedReason;
  }

  public void setPostponedReason(String postponedReason) {
    this.postponedReason = postponedReason;
  }

  public String getPlanFingerprint() {
    return planFingerprint;
  }

  public void setPlanFingerprint(String planFingerprint) {
    this.planFingerprint = planFingerprint;
  }

  public List<String> getNodes() {
    return nodes;
  }

  public void setNodes(List<String> nodes) {
    this.nodes = nodes;
  }

  public List<RepairSegmentStatus> getRetrying() {
    return retrying;
  }

  public void setRetrying(List<RepairSegmentStatus> retrying) {
    this.retrying = retrying;
  }

  public List<String> getSkippedKeyspaces() {
    return skippedKeyspaces;
  }

  public void setSkippedKeyspaces(List<String> skippedKeyspaces) {
    this.skippedKeyspaces = skippedKeyspaces;
  }
}
