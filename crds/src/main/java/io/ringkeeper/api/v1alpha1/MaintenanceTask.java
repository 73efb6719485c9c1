package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** A node operation on a cron schedule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MaintenanceTask {
  @JsonPropertyDescription("Name of the task, unique in the cluster; status reports progress under it.")
  @Required
  @Pattern(Patterns.DNS_LABEL)
  @Size(min = 1, max = 63)
  private String name;

  @JsonPropertyDescription("Cron schedule of the task, e.g. '0 3 * * 6', in repair.timeZone.")
  @Required
  @Pattern(Patterns.CRON)
  private String schedule;

  @JsonPropertyDescription("The operation: Compact, GarbageCollect, UpgradeSSTables or Cleanup.")
  @Required
  private MaintenanceOperation operation;

  @JsonPropertyDescription("Keyspaces the operation runs on. Empty: every non-system keyspace.")
  @Size(max = 256)
  private List<String> keyspaces = new ArrayList<>();

  @JsonPropertyDescription("Tables the operation runs on (needs exactly one keyspace). Empty: every table.")
  @Size(max = 256)
  private List<String> tables = new ArrayList<>();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public MaintenanceOperation getOperation() {
    return operation;
  }

  public void setOperation(MaintenanceOperation operation) {
    this.operation = operation;
  }

  public List<String> getKeyspaces() {
    return keyspaces;
  }

  public void setKeyspaces(List<String> keyspaces) {
    this.keyspaces = keyspaces;
  }

  public List<String> getTables() {
    return tables;
  }

  public void setTables(List<String> tables) {
    this.tables = tables;
  }
}
