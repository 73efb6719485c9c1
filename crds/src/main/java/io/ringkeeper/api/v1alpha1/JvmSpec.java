package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** JVM settings of the Cassandra process. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JvmSpec {
  @JsonPropertyDescription(
      "Maximum and initial heap (-Xmx/-Xms), e.g. 4Gi. When empty, half the container's memory limit, capped"
          + " at 8Gi. Must be below the memory limit.")
  @Pattern(Patterns.POSITIVE_QUANTITY)
  private String heapSize;

  @JsonPropertyDescription(
      "Extra JVM options appended to the node's command line, one per item, e.g. -XX:+UseG1GC. A collector"
          + " chosen here replaces the image's. Refused: two collectors, one flag with two values, flags JDK 17 no"
          + " longer knows, and what the operator owns (the heap however written: use heapSize; -javaagent,"
          + " -Dcassandra.initial_token, -Dcassandra.replace_address*).")
  @Size(max = 64)
  private List<String> extraOptions = new ArrayList<>();

  public String getHeapSize() {
    return heapSize;
  }

  public void setHeapSize(String heapSize) {
    this.heapSize = heapSize;
  }

  public List<String> getExtraOptions() {
    return extraOptions;
  }

  public void setExtraOptions(List<String> extraOptions) {
    this.extraOptions = extraOptions;
  }
}
