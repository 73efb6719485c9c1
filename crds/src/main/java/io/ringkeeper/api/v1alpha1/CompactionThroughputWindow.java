package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A recurring window with its own compaction throughput. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CompactionThroughputWindow {
  @JsonPropertyDescription("Cron schedule of the window's start, e.g. '0 22 * * *', in repair.timeZone.")
  @Required
  @Pattern(Patterns.CRON)
  private String schedule;

  @JsonPropertyDescription("How long the window lasts, e.g. 8h.")
  @Required
  @Pattern(Patterns.DURATION)
  private String duration;

  @JsonPropertyDescription("Compaction throughput during the window in MiB/s; 0 means unthrottled.")
  @Required
  @Min(0)
  @Max(65536)
  private Integer mibPerSecond;

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public String getDuration() {
    return duration;
  }

  public void setDuration(String duration) {
    this.duration = duration;
  }

  public Integer getMibPerSecond() {
    return mibPerSecond;
  }

  public void setMibPerSecond(Integer mibPerSecond) {
    this.mibPerSecond = mibPerSecond;
  }
}
