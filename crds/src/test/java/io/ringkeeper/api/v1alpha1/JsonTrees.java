package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Small JSON tree helpers for the API tests. */
final class JsonTrees {
  private JsonTrees() {}

  /**
   * Applies schema defaults the way the API server does: in every object that is present, a missing property
   * with a default gets it, then defaulting continues inside (including inside what was just defaulted).
   */
  static void applyDefaults(JsonNode schema, JsonNode value) {
    applyDefaults(schema, value, false);
  }

  /**
   * Like {@link #applyDefaults(JsonNode, JsonNode)}, but a missing object with a default is created empty and
   * defaulted from its own properties' defaults. This is what a user who writes {@code tokens: {}} gets, and it
   * checks the nested defaults that an object-level default would otherwise hide.
   */
  static void applyNestedDefaults(JsonNode schema, JsonNode value) {
    applyDefaults(schema, value, true);
  }

  private static void applyDefaults(JsonNode schema, JsonNode value, boolean nested) {
    if (value instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> property = it.next();
        JsonNode propertyDefault = property.getValue().get("default");
        if (!object.has(property.getKey()) && propertyDefault != null) {
          object.set(property.getKey(),
              nested && propertyDefault.isObject() ? object.objectNode() : propertyDefault.deepCopy());
        }
        if (object.has(property.getKey())) {
          applyDefaults(property.getValue(), object.get(property.getKey()), nested);
        }
      }
    } else if (value != null && value.isArray()) {
      value.forEach(item -> applyDefaults(schema.path("items"), item, nested));
    }
  }

  /** Lists every difference where {@code expected} has a value that {@code actual} lacks or holds differently. */
  static void missingOrDifferent(String path, JsonNode expected, JsonNode actual, List<String> out) {
    if (expected.isObject()) {
      expected.fields().forEachRemaining(e ->
          missingOrDifferent(path + "." + e.getKey(), e.getValue(), actual == null ? null : actual.get(e.getKey()), out));
    } else if (expected.isArray()) {
      if (actual == null || !actual.isArray() || actual.size() != expected.size()) {
        out.add(path + ": expected " + expected + " but was " + actual);
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        missingOrDifferent(path + "[" + i + "]", expected.get(i), actual.get(i), out);
      }
    } else if (!sameScalar(expected, actual)) {
      out.add(path + ": expected " + expected + " but was " + actual);
    }
  }

  private static boolean sameScalar(JsonNode a, JsonNode b) {
    if (b == null) {
      return false;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }
}
