package io.ringkeeper.local.kube.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the API server does with a custom resource before it stores it, for one CRD: prune, default, validate
 * against the structural schema and its CEL rules ({@link StructuralSchema}), and answer a refusal with the
 * server's 422 {@code Status} (reason {@code Invalid}, one cause per field) or, for unknown fields under
 * {@code fieldValidation=Strict}, its 400.
 */
public final class Admission {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /**
   * The outcome of a write.
   *
   * @param object the object as it would be stored: pruned and defaulted
   * @param unknownFields fields the schema does not declare (pruned)
   * @param errors why it may not be stored; empty when it may
   */
  public record Result(ObjectNode object, List<String> unknownFields, List<FieldError> errors) {
    public boolean allowed() {
      return errors.isEmpty();
    }
  }

  private final String kind;
  private final String group;
  private final String version;
  private final StructuralSchema schema;

  private Admission(String kind, String group, String version, StructuralSchema schema) {
    this.kind = kind;
    this.group = group;
    this.version = version;
    this.schema = schema;
  }

  /** The admission of the CRD's storage version. */
  public static Admission of(CustomResourceDefinition crd) {
    ObjectMapper json = Serialization.jsonMapper();
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().stream()
        .filter(v -> Boolean.TRUE.equals(v.getStorage())).findFirst()
        .orElse(crd.getSpec().getVersions().get(0));
    JsonNode openApi = json.valueToTree(version.getSchema().getOpenAPIV3Schema());
    return new Admission(crd.getSpec().getNames().getKind(), crd.getSpec().getGroup(), version.getName(),
        new StructuralSchema(openApi));
  }

  /** A create: {@code incoming} (not changed) normalized and validated. */
  public Result create(JsonNode incoming) {
    return admit(incoming, null);
  }

  /** An update of {@code stored} to {@code incoming}: validated with ratcheting and transition rules. */
  public Result update(JsonNode incoming, JsonNode stored) {
    return admit(incoming, stored);
  }

  private Result admit(JsonNode incoming, JsonNode stored) {
    if (!(incoming instanceof ObjectNode)) {
      throw new IllegalArgumentException("a " + kind + " must be a JSON object");
    }
    ObjectNode object = (ObjectNode) incoming.deepCopy();
    List<String> unknown = schema.normalize(object);
    JsonNode old = null;
    if (stored instanceof ObjectNode) {
      ObjectNode storedCopy = (ObjectNode) stored.deepCopy();
      schema.normalize(storedCopy);
      old = storedCopy;
    }
    return new Result(object, unknown, List.copyOf(schema.validate(object, old)));
  }

  /** The server's answer to a refused write: a 422 {@code Status} naming every field. */
  public String invalid(String name, List<FieldError> errors) {
    ObjectNode status = F.objectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message(name, errors)).put("reason", "Invalid");
    ObjectNode details = status.putObject("details").put("name", name).put("group", group).put("kind", kind);
    ArrayNode causes = details.putArray("causes");
    for (FieldError error : errors) {
      causes.addObject().put("reason", error.type().reason()).put("message", error.body()).put("field", error.field());
    }
    return status.put("code", 422).toString();
  }

  /** The Status message: {@code CassandraCluster.ringkeeper.io "demo" is invalid: [a: ..., b: ...]}. */
  public String message(String name, List<FieldError> errors) {
    String all = errors.size() == 1 ? errors.get(0).toString()
        : errors.stream().map(FieldError::toString).collect(Collectors.joining(", ", "[", "]"));
    return kind + "." + group + " " + FieldError.quoted(name) + " is invalid: " + all;
  }

  /** The server's answer to unknown fields under {@code fieldValidation=Strict}: a 400 naming each. */
  public String strictlyUnknown(List<String> unknownFields) {
    String fields = unknownFields.stream().map(f -> "unknown field " + FieldError.quoted(f))
        .collect(Collectors.joining(", "));
    String message = kind + " in version " + FieldError.quoted(version) + " cannot be handled as a " + kind
        + ": strict decoding error: " + fields;
    ObjectNode status = F.objectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    return status.put("status", "Failure").put("message", message).put("reason", "BadRequest").put("code", 400)
        .toString();
  }
}
