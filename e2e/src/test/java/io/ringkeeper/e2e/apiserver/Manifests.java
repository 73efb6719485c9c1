package io.ringkeeper.e2e.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** CassandraCluster manifests as JSON trees, so tests can write values the Java model could not hold. */
final class Manifests {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Manifests() {}

  static ObjectNode read(Path file) {
    try {
      return (ObjectNode) YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** examples/minimal.yaml: one datacenter dc1 of 3 nodes on racks r1-r3, RF 3. */
  static ObjectNode minimal(String name) {
    ObjectNode tree = read(RealApiServerExtension.REPO.resolve("examples/minimal.yaml"));
    ((ObjectNode) tree.get("metadata")).put("name", name);
    return tree;
  }

  static GenericKubernetesResource generic(JsonNode tree) {
    return Serialization.jsonMapper().convertValue(tree, GenericKubernetesResource.class);
  }

  static JsonNode tree(Object resource) {
    return Serialization.jsonMapper().valueToTree(resource);
  }

  static MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> clusters(KubernetesClient client) {
    return client.genericKubernetesResources("ringkeeper.io/v1alpha1", "CassandraCluster");
  }

  /** Sets the value at a JSON pointer whose parents exist; a trailing "-" appends to an array. */
  static ObjectNode set(ObjectNode tree, String pointer, Object value) {
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = tree.at(pointer.substring(0, slash));
    String last = pointer.substring(slash + 1);
    JsonNode node = Serialization.jsonMapper().valueToTree(value);
    if (parent instanceof ArrayNode array) {
      if ("-".equals(last)) {
        array.add(node);
      } else {
        array.set(Integer.parseInt(last), node);
      }
    } else if (parent instanceof ObjectNode object) {
      object.set(last, node);
    } else {
      throw new IllegalArgumentException("no object or array at the parent of " + pointer);
    }
    return tree;
  }

  static ObjectNode remove(ObjectNode tree, String pointer) {
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = tree.at(pointer.substring(0, slash));
    String last = pointer.substring(slash + 1);
    if (parent instanceof ArrayNode array) {
      array.remove(Integer.parseInt(last));
    } else {
      ((ObjectNode) parent).remove(last);
    }
    return tree;
  }

  static Object yaml(String yaml) {
    try {
      return YAML.readValue(yaml, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
