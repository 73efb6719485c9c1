package io.ringkeeper.local.kube.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.re2j.Pattern;
import io.ringkeeper.local.kube.admission.FieldError.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A CRD's structural schema applied as the Kubernetes API server applies it to a custom resource it is asked to
 * store, in the server's order:
 *
 * <ol>
 *   <li><b>pruning</b>: fields the schema does not declare are dropped (and reported, for
 *       {@code fieldValidation}), except under {@code x-kubernetes-preserve-unknown-fields}; the root's
 *       {@code apiVersion}, {@code kind} and {@code metadata} are never pruned here;
 *   <li><b>defaulting</b>: an absent field (or a null one that is not nullable) takes its {@code default}, and the
 *       default is itself defaulted;
 *   <li><b>validation</b> of the OpenAPI keywords a structural schema may use (type, enum, required, bounds,
 *       lengths, patterns in RE2 syntax, item counts, int-or-string), each error worded as the server words it;
 *   <li><b>CEL rules</b> ({@code x-kubernetes-validations}, through {@link CelRules}), skipped as a whole when a
 *       type or enum error was found, as the server skips them;
 * </ol>
 *
 * <p>On an update both passes <b>ratchet</b>, as the server does: a value equal to the one stored (correlated
 * through object fields, not through list items) is not validated again, so an object stored before a rule
 * tightened can still be edited elsewhere; transition rules (those reading {@code oldSelf}) run only where an old
 * value is correlated.
 */
public final class StructuralSchema {
  private static final String BLOCKED = "some validation rules were not checked because the object was invalid; "
      + "correct the existing errors to complete validation";

  private final JsonNode root;
  private final CelRules cel;
  private final Map<String, Pattern> patterns = new HashMap<>();

  /**
   * @param openApiV3Schema the version's {@code schema.openAPIV3Schema} as JSON
   * @throws IllegalArgumentException when a CEL rule does not compile (naming the rule)
   */
  public StructuralSchema(JsonNode openApiV3Schema) {
    this.root = openApiV3Schema;
    this.cel = new CelRules(openApiV3Schema);
  }

  /** Prunes and defaults {@code object} in place; returns the paths of the fields pruned. */
  public List<String> normalize(ObjectNode object) {
    List<String> unknown = new ArrayList<>();
    pruneObject(object, root, "", unknown, true);
    applyDefaults(object, root);
    return unknown;
  }

  /**
   * The errors of a normalized object, empty when it may be stored.
   *
   * @param old the stored object on an update (ratcheting, {@code oldSelf}), null on a create
   */
  public List<FieldError> validate(JsonNode object, JsonNode old) {
    List<FieldError> errors = new ArrayList<>();
    check(object, root, "", old, errors);
    // The server evaluates no rule once a value is missing, of the wrong type, not allowed or too large.
    boolean blocked = errors.stream().anyMatch(e -> e.type() != Type.INVALID);
    if (blocked) {
      errors.add(new FieldError("<nil>", Type.INVALID, NullNode.getInstance(), BLOCKED));
    } else {
      cel.check(object, root, "", old, errors);
    }
    return errors;
  }

  // ---- pruning

  private void pruneObject(JsonNode value, JsonNode schema, String path, List<String> unknown, boolean atRoot) {
    if (value instanceof ObjectNode object && "object".equals(schema.path("type").asText("object"))) {
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String name = field.getKey();
        String child = join(path, name);
        if (atRoot && (name.equals("apiVersion") || name.equals("kind") || name.equals("metadata"))) {
          continue;
        }
        JsonNode declared = properties.has(name) ? properties.get(name)
            : additional != null && additional.isObject() ? additional : null;
        if (declared != null && field.getValue().isNull() && !declared.path("nullable").asBoolean(false)
            && !declared.has("default")) {
          // The server drops a null it may not store (one with a default is defaulted instead).
          fields.remove();
        } else if (properties.has(name)) {
          pruneObject(field.getValue(), properties.get(name), child, unknown, false);
        } else if (additional != null && additional.isObject()) {
          pruneObject(field.getValue(), additional, child, unknown, false);
        } else if (!preserve && !(additional != null && additional.asBoolean(false))) {
          unknown.add(child);
          fields.remove();
        }
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      for (int i = 0; i < array.size(); i++) {
        pruneObject(array.get(i), schema.get("items"), path + "[" + i + "]", unknown, false);
      }
    }
  }

  // ---- defaulting

  private void applyDefaults(JsonNode value, JsonNode schema) {
    if (value instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      Iterator<Map.Entry<String, JsonNode>> declared = properties.fields();
      while (declared.hasNext()) {
        Map.Entry<String, JsonNode> property = declared.next();
        JsonNode propertySchema = property.getValue();
        JsonNode present = object.get(property.getKey());
        boolean nullable = propertySchema.path("nullable").asBoolean(false);
        if (propertySchema.has("default") && (present == null || (present.isNull() && !nullable))) {
          object.set(property.getKey(), propertySchema.get("default").deepCopy());
        }
      }
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode child = properties.get(field.getKey());
        if (child == null && schema.path("additionalProperties").isObject()) {
          child = schema.get("additionalProperties");
        }
        if (child != null) {
          applyDefaults(field.getValue(), child);
        }
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      for (JsonNode item : array) {
        applyDefaults(item, schema.get("items"));
      }
    }
  }

  // ---- validation

  private void check(JsonNode value, JsonNode schema, String path, JsonNode old, List<FieldError> errors) {
    if (old != null && old.equals(value)) {
      return;
    }
    if (value == null || value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        errors.add(typeError(path, schema, value));
      }
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isTextual() && !isInteger(value)) {
        errors.add(new FieldError(path, Type.TYPE_INVALID, TextNode.valueOf(typeName(value)),
            bodyPath(path) + " in body must be of type integer,string: " + FieldError.quoted(typeName(value))));
        return;
      }
    } else if ("integer".equals(schema.path("type").asText()) && value.isNumber() && !isInteger(value)) {
      // A number that is not a JSON integer: the server reports the type and the format, then still checks
      // its bounds.
      errors.add(typeError(path, schema, value));
      errors.add(new FieldError("<nil>", Type.INVALID, TextNode.valueOf(""),
          "Checked value must be of type integer (default format) in " + path));
    } else if (schema.has("type") && !hasType(value, schema.get("type").asText())) {
      errors.add(typeError(path, schema, value));
      return;
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.equals(value);
      }
      if (!listed) {
        String supported = toList(schema.get("enum")).stream().map(FieldError::printed)
            .collect(Collectors.joining(", "));
        errors.add(new FieldError(path, Type.NOT_SUPPORTED, value, "supported values: " + supported));
      }
    }
    if (value.isTextual()) {
      checkString(value.asText(), schema, path, errors);
    } else if (value.isNumber()) {
      checkNumber(value, schema, path, errors);
    } else if (value instanceof ArrayNode array) {
      checkArray(array, schema, path, errors);
    } else if (value instanceof ObjectNode object) {
      checkObject(object, schema, path, old, errors);
    }
  }

  private void checkString(String text, JsonNode schema, String path, List<FieldError> errors) {
    int length = text.codePointCount(0, text.length());
    // As the server: the first of maxLength, minLength and pattern that fails is the one reported.
    if (schema.has("maxLength") && length > schema.get("maxLength").asLong()) {
      errors.add(new FieldError(path, Type.TOO_LONG, null,
          "may not be more than " + schema.get("maxLength").asLong() + " bytes"));
      return;
    }
    if (schema.has("minLength") && length < schema.get("minLength").asLong()) {
      errors.add(new FieldError(path, Type.INVALID, TextNode.valueOf(text),
          bodyPath(path) + " in body should be at least " + schema.get("minLength").asLong() + " chars long"));
      return;
    }
    if (schema.has("pattern")) {
      String regex = schema.get("pattern").asText();
      if (!patterns.computeIfAbsent(regex, Pattern::compile).matcher(text).find()) {
        errors.add(new FieldError(path, Type.INVALID, TextNode.valueOf(text),
            bodyPath(path) + " in body should match '" + regex + "'"));
      }
    }
  }

  private static void checkNumber(JsonNode value, JsonNode schema, String path, List<FieldError> errors) {
    double number = value.asDouble();
    if (schema.has("minimum")) {
      double min = schema.get("minimum").asDouble();
      boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
      if (exclusive ? number <= min : number < min) {
        errors.add(new FieldError(path, Type.INVALID, value, bodyPath(path) + " in body should be greater than "
            + (exclusive ? "" : "or equal to ") + FieldError.number(schema.get("minimum"))));
      }
    }
    if (schema.has("maximum")) {
      double max = schema.get("maximum").asDouble();
      boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
      if (exclusive ? number >= max : number > max) {
        errors.add(new FieldError(path, Type.INVALID, value, bodyPath(path) + " in body should be less than "
            + (exclusive ? "" : "or equal to ") + FieldError.number(schema.get("maximum"))));
      }
    }
  }

  private void checkArray(ArrayNode array, JsonNode schema, String path, List<FieldError> errors) {
    if (schema.has("maxItems") && array.size() > schema.get("maxItems").asLong()) {
      errors.add(new FieldError(path, Type.TOO_MANY, IntNode.valueOf(array.size()),
          "must have at most " + schema.get("maxItems").asLong() + " items"));
    }
    if (schema.has("minItems") && array.size() < schema.get("minItems").asLong()) {
      errors.add(new FieldError(path, Type.INVALID, IntNode.valueOf(array.size()),
          bodyPath(path) + " in body should have at least " + schema.get("minItems").asLong() + " items"));
    }
    if (schema.has("items")) {
      for (int i = 0; i < array.size(); i++) {
        // Items of an atomic list are not correlated with the old list's: no ratcheting below them.
        check(array.get(i), schema.get("items"), path + "[" + i + "]", null, errors);
      }
    }
  }

  private void checkObject(ObjectNode object, JsonNode schema, String path, JsonNode old, List<FieldError> errors) {
    for (JsonNode required : schema.path("required")) {
      if (!object.has(required.asText())) {
        errors.add(new FieldError(join(path, required.asText()), Type.REQUIRED, null, ""));
      }
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode child = properties.get(field.getKey());
      if (child == null && additional != null && additional.isObject()) {
        child = additional;
      }
      if (child != null) {
        JsonNode oldChild = old == null ? null : old.get(field.getKey());
        check(field.getValue(), child, join(path, field.getKey()), oldChild, errors);
      }
    }
  }

  private static FieldError typeError(String path, JsonNode schema, JsonNode value) {
    String actual = typeName(value);
    return new FieldError(path, Type.TYPE_INVALID, TextNode.valueOf(actual), bodyPath(path)
        + " in body must be of type " + schema.path("type").asText() + ": " + FieldError.quoted(actual));
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "integer" -> isInteger(value);
      case "number" -> value.isNumber();
      default -> true;
    };
  }

  /** A JSON integer as the server sees one: integral and, when written as a float, within +-2^53. */
  private static boolean isInteger(JsonNode value) {
    double d = value.asDouble();
    return value.isIntegralNumber() || (value.isNumber() && d == Math.rint(d) && Math.abs(d) <= 1L << 53);
  }

  /** The JSON type of a value as the server names it in a type error. */
  static String typeName(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isNumber() && isInteger(value)) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    return value.isArray() ? "array" : "object";
  }

  static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  /** The path in the detail of a schema error: the same path, as the server repeats it after "in body". */
  private static String bodyPath(String path) {
    return path;
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> values = new ArrayList<>();
    array.forEach(values::add);
    return values;
  }
}
