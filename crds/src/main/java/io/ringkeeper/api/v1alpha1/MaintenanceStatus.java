package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** State of compaction throughput windows and scheduled tasks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceStatus {
  @JsonPropertyDescription("The compaction throughput window in force, if any.")
  private CompactionWindowStatus compactionThroughput;

  @JsonPropertyDescription("Per scheduled task: last run, result, and progress of the run in progress.")
  private List<MaintenanceTaskStatus> tasks = new ArrayList<>();

  @JsonPropertyDescription("Cassandra version every node ran when SSTables were last upgraded (or when the cluster was first seen); when all nodes run a newer one, UpgradeSSTables runs by itself, one node at a time.")
  private String sstablesVersion;

  public CompactionWindowStatus getCompactionThroughput() {
    return compactionThroughput;
  }

  public void setCompactionThroughput(CompactionWindowStatus compactionThroughput) {
    this.compactionThroughput = compactionThroughput;
  }

  public List<MaintenanceTaskStatus> getTasks() {
    return tasks;
  }

  public void setTasks(List<MaintenanceTaskStatus> tasks) {
    this.tasks = tasks;
  }

  public String getSstablesVersion() {
    return sstablesVersion;
  }

  public void setSstablesVersion(String sstablesVersion) {
    this.sstablesVersion = sstablesVersion;
  }
}
