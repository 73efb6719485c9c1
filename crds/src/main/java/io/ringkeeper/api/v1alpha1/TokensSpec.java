package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Token settings. The operator chooses every node's tokens itself before the node first starts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TokensSpec {
  @JsonPropertyDescription(
      "Virtual nodes (tokens) per Cassandra node, 1 to 256. Immutable after creation: Cassandra cannot change"
          + " a node's token count.")
  @Min(1)
  @Max(256)
  @Default("16")
  @ValidationRule(
      value = "self == oldSelf",
      reason = "FieldValueInvalid",
      message = "is immutable: the cluster's nodes hold this many tokens each and Cassandra cannot change that;"
          + " set it back to its value at creation")
  private Integer numTokens = 16;

  public Integer getNumTokens() {
    return numTokens;
  }

  public void setNumTokens(Integer numTokens) {
    this.numTokens = numTokens;
  }
}
