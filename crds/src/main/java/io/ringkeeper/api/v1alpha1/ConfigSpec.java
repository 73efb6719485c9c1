package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/** Overrides of Cassandra's configuration files. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConfigSpec {
  @JsonPropertyDescription(
      "Keys merged into the rendered cassandra.yaml, e.g. {concurrent_reads: 64}. Keys the operator owns"
          + " (cluster_name, num_tokens, initial_token, seed_provider, listen_address, rpc_address,"
          + " endpoint_snitch, data directories, auto_bootstrap, ...) are refused with a message. Changing"
          + " this restarts the nodes one at a time.")
  @PreserveUnknownFields
  private JsonNode cassandraYaml;

  public JsonNode getCassandraYaml() {
    return cassandraYaml;
  }

  public void setCassandraYaml(JsonNode cassandraYaml) {
    this.cassandraYaml = cassandraYaml;
  }
}
