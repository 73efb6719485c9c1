package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Scheduled compaction throughput changes and node tasks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceSpec {
  @JsonPropertyDescription(
      "Windows during which every node's compaction throughput is set to a value, and restored when the"
          + " window ends (e.g. faster compaction at night).")
  @Size(max = 16)
  private List<CompactionThroughputWindow> compactionThroughput = new ArrayList<>();

  @JsonPropertyDescription(
      "Scheduled node operations (compact, garbage-collect, upgrade SSTables, cleanup), run one node at a time"
          + " per datacenter and only while the datacenter is healthy.")
  @Size(max = 32)
  private List<MaintenanceTask> tasks = new ArrayList<>();

  public List<CompactionThroughputWindow> getCompactionThroughput() {
    return compactionThroughput;
  }

  public void setCompactionThroughput(List<CompactionThroughputWindow> compactionThroughput) {
    this.compactionThroughput = compactionThroughput;
  }

  public List<MaintenanceTask> getTasks() {
    return tasks;
  }

  public void setTasks(List<MaintenanceTask> tasks) {
    this.tasks = tasks;
  }
}
