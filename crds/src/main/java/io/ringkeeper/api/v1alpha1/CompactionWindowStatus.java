package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The compaction throughput window in force. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CompactionWindowStatus {
  @JsonPropertyDescription("Schedule of the window in force.")
  private String schedule;

  @JsonPropertyDescription("Throughput set during the window, MiB/s.")
  private Integer mibPerSecond;

  @JsonPropertyDescription("Throughput to restore when the window ends, MiB/s.")
  private Integer restoreMibPerSecond;

  @JsonPropertyDescription("When the window ends (RFC 3339).")
  private String until;

  @JsonPropertyDescription("Nodes on which the window's throughput is set.")
  private List<String> appliedTo = new ArrayList<>();

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public Integer getMibPerSecond() {
    return mibPerSecond;
  }

  public void setMibPerSecond(Integer mibPerSecond) {
    this.mibPerSecond = mibPerSecond;
  }

  public Integer getRestoreMibPerSecond() {
    return restoreMibPerSecond;
  }

  public void setRestoreMibPerSecond(Integer restoreMibPerSecond) {
    this.restoreMibPerSecond = restoreMibPerSecond;
  }

  public String getUntil() {
    return until;
  }

  public void setUntil(String until) {
    this.until = until;
  }

  public List<String> getAppliedTo() {
    return appliedTo;
  }

  public void setAppliedTo(List<String> appliedTo) {
    this.appliedTo = appliedTo;
  }
}
